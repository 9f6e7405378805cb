// A static export (out/), served as files by the check; nothing for the wasm.
export default { output: "export" };
