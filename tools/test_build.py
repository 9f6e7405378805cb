"""tools/build.py's ship_snippet_once on a package directory written here."""

import pytest

import build


def package(tmp_path, entry):
    (tmp_path / "snippets/apiless-0123/pkg-template").mkdir(parents=True)
    (tmp_path / "snippets/apiless-0123/pkg-template/number.js").write_text("export class N {}\n")
    (tmp_path / "number.js").write_text("export class N {}\n")
    (tmp_path / "index.js").write_text(entry)
    return {"files": ["index.js", "number.js", "number.d.ts", "snippets/"]}


def test_the_entry_imports_the_wasms_copy_and_the_template_copy_is_dropped(tmp_path):
    manifest = package(tmp_path, 'export { N } from "./number.js";\n')
    build.ship_snippet_once(tmp_path, manifest)
    assert (tmp_path / "index.js").read_text() == (
        'export { N } from "./snippets/apiless-0123/pkg-template/number.js";\n'
    )
    assert not (tmp_path / "number.js").exists()
    assert manifest["files"] == ["index.js", "number.d.ts", "snippets/"]


def test_an_entry_that_does_not_import_the_file_is_refused(tmp_path):
    manifest = package(tmp_path, "export {};\n")
    with pytest.raises(SystemExit):
        build.ship_snippet_once(tmp_path, manifest)


def test_the_glue_loses_its_doc_comments_and_keeps_its_code(tmp_path):
    glue = tmp_path / "apiless.js"
    glue.write_text(
        '/* @ts-self-types="./apiless.d.ts" */\n'
        "/**\n * Signs in.\n * @example\n * ```ts\n * await x();\n * ```\n */\n"
        "export class Client {\n"
        "    /**\n     * One line. @throws never.\n     */\n"
        "    signIn(a) { return '/** not a comment */' + a; }\n"
        "    /** Short. */\n    free() {}\n}\n"
    )
    build.strip_doc_comments(glue)
    assert glue.read_text() == (
        '/* @ts-self-types="./apiless.d.ts" */\n'
        "export class Client {\n"
        "    signIn(a) { return '/** not a comment */' + a; }\n"
        "    free() {}\n}\n"
    )


def test_a_snippet_loses_its_comment_lines_and_keeps_its_code(tmp_path):
    snippet = tmp_path / "host.js"
    snippet.write_text(
        "// What it does.\n"
        "export function f(url) {\n"
        "  // Why.\n"
        "  return url + '//x' + '\\n// not a line'; // stays\n"
        "}\n"
        "const r = /\\//g;\n"
    )
    build.strip_line_comments(snippet)
    assert snippet.read_text() == (
        "export function f(url) {\n"
        "  return url + '//x' + '\\n// not a line'; // stays\n"
        "}\n"
        "const r = /\\//g;\n"
    )


@pytest.mark.parametrize("text", ["const t = `a\n// b`;\n", "const s = 'a\\\n// b';\n"])
def test_a_snippet_whose_strings_may_span_lines_is_refused(tmp_path, text):
    snippet = tmp_path / "host.js"
    snippet.write_text(text)
    with pytest.raises(SystemExit):
        build.strip_line_comments(snippet)
    assert snippet.read_text() == text, "nothing half-written"
