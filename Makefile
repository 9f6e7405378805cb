# The two commands: `make demo` runs the demo, `make test` runs every test.
.PHONY: demo test bench backend build setup

demo:
	@bash tools/demo.sh

test:
	@bash tools/test.sh

# Benchmarks against the peers, side by side in one Chromium (not part of `make test`).
bench:
	@bash tools/bench.sh

# The local AWS backend alone, in the foreground (port 4566 or $APILESS_BACKEND_PORT).
backend: setup
	@.apiless/venv/bin/python -u backend/serve.py

# The npm package in pkg/, with the settings of wasm-pack.toml.
build: setup
	@python3 tools/build.py --profile release

setup:
	@bash tools/setup.sh
