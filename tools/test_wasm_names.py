"""tools/wasm_names.py on a small module written here by hand, and on its refusals."""

import pytest

import wasm_names as w

GLUE = "./apiless_bg.js"


def name(text):
    raw = text.encode()
    return bytes([len(raw)]) + raw


def module():
    """Imports: two functions from the glue, one from a snippet, the memory's table from the
    glue; exports: a function and the memory."""
    types = bytes([1, 0x60, 0, 0])  # one type: () -> ()
    entries = [
        (GLUE, "__wbg_now_463ac581d2fc7ea3", bytes([0, 0])),
        ("./snippets/x/inline0.js", "pagesToItems", bytes([0, 0])),
        (GLUE, "__wbg_random_df36b90cd78a7d54", bytes([0, 0])),
        (GLUE, "__wbindgen_table", bytes([1, 0x6F, 0, 4])),  # table externref, min 4
    ]
    imports = bytes([len(entries)]) + b"".join(name(m) + name(f) + d for m, f, d in entries)
    functions = bytes([1, 0])
    memory = bytes([1, 0, 1])
    exports = bytes([2]) + name("client_signIn") + bytes([0, 3]) + name("memory") + bytes([2, 0])
    code = bytes([1, 2, 0, 0x0B])
    out = bytearray(w.WASM_MAGIC)
    for sid, body in ((1, types), (2, imports), (3, functions), (5, memory), (7, exports), (10, code)):
        out += bytes([sid]) + w._write_uleb(len(body)) + body
    return bytes(out)


GLUE_JS = """function __wbg_get_imports() {
    const import0 = {
        __wbg_now_463ac581d2fc7ea3: function() { return Date.now(); },
        __wbg_random_df36b90cd78a7d54: function() { return Math.random(); },
        __wbindgen_table: function() {},
    };
}
export function signIn() { return wasm.client_signIn(); }
function mem() { return wasm.memory.buffer; }
"""


def test_short_names_are_identifiers_in_order_without_reserved_words():
    names = w.short_names()
    first = [next(names) for _ in range(3000)]
    assert first[:3] == ["a", "b", "c"]
    assert len(set(first)) == len(first)
    assert not set(first) & w.RESERVED
    assert all(n[0] in w.FIRST and set(n) <= set(w.REST) for n in first)
    assert "do" not in first and "in" not in first


def test_glue_imports_and_all_exports_are_renamed_and_the_module_still_parses():
    wasm, imports, exports = w.rename(module(), GLUE)
    assert imports == {
        "__wbg_now_463ac581d2fc7ea3": "a",
        "__wbg_random_df36b90cd78a7d54": "b",
        "__wbindgen_table": "c",
    }
    assert exports == {"client_signIn": "d", "memory": "e"}
    sections = dict(w.sections(wasm))
    assert [(m, f) for m, f, _ in w.imports(sections[w.SECTION_IMPORT])] == [
        (GLUE, "a"),
        ("./snippets/x/inline0.js", "pagesToItems"),  # a snippet's own export: kept
        (GLUE, "b"),
        (GLUE, "c"),
    ]
    assert [n for n, _ in w.exports(sections[w.SECTION_EXPORT])] == ["d", "e"]
    # Descriptions and other sections are carried over byte for byte.
    old = dict(w.sections(module()))
    assert [d for *_, d in w.imports(sections[2])] == [d for *_, d in w.imports(old[2])]
    assert sections[10] == old[10] and sections[1] == old[1]

    js = w.rewrite_glue(GLUE_JS, imports, exports)
    assert "a: function() { return Date.now(); }" in js
    assert "b: function() { return Math.random(); }" in js
    assert "return wasm.d();" in js and "wasm.e.buffer" in js
    assert "__wbg_now" not in js and "__wbg_random" not in js and "client_signIn" not in js


def test_types_listing_raw_exports_are_renamed():
    exports = {"client_signIn": "d", "memory": "e"}
    text = "export const memory: WebAssembly.Memory;\nexport const client_signIn: () => void;\n"
    assert w.rewrite_types(text, exports, "export const ") == (
        "export const e: WebAssembly.Memory;\nexport const d: () => void;\n"
    )


def test_a_glue_without_the_import_key_is_refused():
    _, imports, exports = w.rename(module(), GLUE)
    js = GLUE_JS.replace("__wbg_random_df36b90cd78a7d54: function()", "random: function()")
    with pytest.raises(w.Refused, match="__wbg_random_df36b90cd78a7d54 is a key .* 0 times"):
        w.rewrite_glue(js, imports, exports)


def test_a_glue_reading_an_export_the_module_lacks_is_refused():
    _, imports, exports = w.rename(module(), GLUE)
    with pytest.raises(w.Refused, match="wasm.client_signOut"):
        w.rewrite_glue(GLUE_JS + "wasm.client_signOut();\n", imports, exports)


def test_a_glue_that_names_an_import_elsewhere_is_refused():
    _, imports, exports = w.rename(module(), GLUE)
    js = GLUE_JS + "const f = import0.__wbg_now_463ac581d2fc7ea3;\n"
    with pytest.raises(w.Refused, match="still names the import __wbg_now"):
        w.rewrite_glue(js, imports, exports)


def test_not_a_wasm_module_is_refused():
    with pytest.raises(w.Refused, match="not a wasm module"):
        w.rename(b"\x00asm\x02\x00\x00\x00", GLUE)
