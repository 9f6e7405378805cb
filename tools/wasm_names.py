"""Short names for the wasm module's imports and exports, and the same names in its JS glue.

wasm-bindgen names each import after its JS function plus a 16-hex-digit hash
(`__wbg_getItem_49556a3e59cfb688`) and each export after the Rust item (`client_confirmSignIn`).
Every name is written twice, once in the wasm and once in the glue, and the hashes do not
compress. This renames, in both files:

- imports from the glue module (`./<stem>_bg.js`) to `a`, `b`, ... (the glue's import object
  keys). Imports from snippet modules keep their names: those are the snippets' own exports;
- every export to a short name (the glue's `wasm.<name>` accesses), and the same names in the
  two generated .d.ts files that list the raw exports.

It refuses (raises `Refused`) rather than guess: each import key must appear exactly once in
the glue, every old name must be gone afterwards, and the wasm is parsed again to check.
"""

import re

WASM_MAGIC = b"\x00asm\x01\x00\x00\x00"
SECTION_IMPORT = 2
SECTION_EXPORT = 7

# Never used as a short name: reserved words are legal property names, but no reader should
# have to know that.
RESERVED = {
    "do", "if", "in", "for", "let", "new", "try", "var", "case", "else", "enum", "eval", "null",
    "this", "true", "void", "with", "break", "catch", "class", "const", "false", "super",
    "throw", "while", "yield", "delete", "export", "import", "public", "return", "static",
    "switch", "typeof", "default", "extends", "finally", "package", "private", "continue",
    "debugger", "function", "arguments", "interface", "protected", "implements", "instanceof",
    "async", "await", "of", "get", "set", "NaN",
}
FIRST = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
REST = FIRST + "0123456789"


class Refused(Exception):
    """The module or glue is not shaped as expected: nothing is renamed."""


def short_names():
    """a, b, ..., $, aa, ab, ...: valid JS identifiers, shortest first, no reserved words."""
    width = 1
    while True:
        total = len(FIRST) * len(REST) ** (width - 1)
        for n in range(total):
            chars = []
            for _ in range(width - 1):
                n, r = divmod(n, len(REST))
                chars.append(REST[r])
            chars.append(FIRST[n])
            name = "".join(reversed(chars))
            if name not in RESERVED:
                yield name
        width += 1


def _uleb(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def _write_uleb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _name(data, i):
    length, i = _uleb(data, i)
    return data[i:i + length].decode("utf-8"), i + length


def _write_name(text):
    raw = text.encode("utf-8")
    return _write_uleb(len(raw)) + raw


def _import_desc_end(data, i):
    """The end of one import's description (kind byte and type) starting at `i`."""
    kind = data[i]
    i += 1
    if kind == 0:  # function: a type index
        _, i = _uleb(data, i)
    elif kind == 1:  # table: reftype, limits
        i += 1
        flags, i = _uleb(data, i)
        _, i = _uleb(data, i)
        if flags & 1:
            _, i = _uleb(data, i)
    elif kind == 2:  # memory: limits
        flags, i = _uleb(data, i)
        _, i = _uleb(data, i)
        if flags & 1:
            _, i = _uleb(data, i)
    elif kind == 3:  # global: valtype, mutability
        i += 2
    elif kind == 4:  # tag: attribute, type index
        i += 1
        _, i = _uleb(data, i)
    else:
        raise Refused(f"unknown import kind {kind}")
    return i


def sections(data):
    """(id, body) of every section of a wasm module."""
    if data[:8] != WASM_MAGIC:
        raise Refused("not a wasm module (version 1)")
    out, i = [], 8
    while i < len(data):
        sid = data[i]
        size, j = _uleb(data, i + 1)
        out.append((sid, data[j:j + size]))
        i = j + size
    return out


def _vector(body, entry):
    """The entries of a section that is one wasm vector; `entry(body, i)` reads one."""
    count, i = _uleb(body, 0)
    out = []
    for _ in range(count):
        item, i = entry(body, i)
        out.append(item)
    return out


def _import_entry(body, i):
    module, i = _name(body, i)
    field, i = _name(body, i)
    end = _import_desc_end(body, i)
    return (module, field, body[i:end]), end


def _export_entry(body, i):
    name, i = _name(body, i)
    _, end = _uleb(body, i + 1)  # the kind byte, then the index
    return (name, body[i:end]), end


def imports(body):
    """[(module, field, description bytes)] of an import section."""
    return _vector(body, _import_entry)


def exports(body):
    """[(name, description bytes)] of an export section."""
    return _vector(body, _export_entry)


def _section(sid, body):
    return bytes([sid]) + _write_uleb(len(body)) + body


def rename(wasm, glue_module):
    """The module with short names, and {old: new} for its glue imports and for its exports."""
    names = short_names()
    import_map, export_map = {}, {}
    out = bytearray(WASM_MAGIC)
    for sid, body in sections(wasm):
        if sid == SECTION_IMPORT:
            entries = imports(body)
            new = bytearray(_write_uleb(len(entries)))
            for module, field, desc in entries:
                if module == glue_module:
                    if field not in import_map:
                        import_map[field] = next(names)
                    field = import_map[field]
                new += _write_name(module) + _write_name(field) + desc
            body = bytes(new)
        elif sid == SECTION_EXPORT:
            entries = exports(body)
            new = bytearray(_write_uleb(len(entries)))
            for name, desc in entries:
                export_map[name] = next(names)
                new += _write_name(export_map[name]) + desc
            body = bytes(new)
        out += _section(sid, body)
    return bytes(out), import_map, export_map


def _import_key(name):
    """`name` as a key of the glue's import object: `name: function(`."""
    return re.compile(r"(?<![\w$])" + re.escape(name) + r"(?=: function\()")


def rewrite_glue(js, import_map, export_map):
    """The glue with the import object's keys and its `wasm.<export>` accesses renamed."""
    for old, new in import_map.items():
        js, count = _import_key(old).subn(new, js)
        if count != 1:
            raise Refused(f"import {old} is a key of the glue's import object {count} times, not once")
    access = re.compile(r"\bwasm\.([A-Za-z_$][\w$]*)")

    def export(match):
        name = match.group(1)
        if name not in export_map:
            raise Refused(f"the glue reads wasm.{name}, which the module does not export")
        return "wasm." + export_map[name]

    js = access.sub(export, js)
    for old in import_map:
        if re.search(r"(?<![\w$])" + re.escape(old) + r"(?![\w$])", js):
            raise Refused(f"the glue still names the import {old}")
    return js


def rewrite_types(text, export_map, prefix):
    """A .d.ts listing the raw exports as `<prefix><name>:`, with the short names."""
    def export(match):
        return match.group(1) + export_map.get(match.group(2), match.group(2)) + ":"

    return re.sub(r"(" + re.escape(prefix) + r")([A-Za-z_$][\w$]*):", export, text)


def shorten(out_dir, stem):
    """Renames in place in `out_dir`; returns how many imports and exports it renamed."""
    wasm_path = out_dir / f"{stem}_bg.wasm"
    js_path = out_dir / f"{stem}.js"
    glue_module = f"./{stem}_bg.js"
    wasm, import_map, export_map = rename(wasm_path.read_bytes(), glue_module)
    js = rewrite_glue(js_path.read_text(), import_map, export_map)

    # Check the module again: what it now imports from the glue is what the glue now provides.
    for sid, body in sections(wasm):
        if sid == SECTION_IMPORT:
            for module, field, _ in imports(body):
                if module == glue_module and not _import_key(field).search(js):
                    raise Refused(f"the module imports {field}, which the glue does not provide")

    wasm_path.write_bytes(wasm)
    js_path.write_text(js)
    for name, prefix in ((f"{stem}.d.ts", "    readonly "), (f"{stem}_bg.wasm.d.ts", "export const ")):
        path = out_dir / name
        if path.exists():
            path.write_text(rewrite_types(path.read_text(), export_map, prefix))
    return len(import_map), len(export_map)
