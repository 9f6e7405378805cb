# The two commands: `make demo` runs the demo, `make test` runs every test. `make help` lists all
# the targets. Each step of `make test` is a target of its own, so that one step can be rerun
# alone: each calls tools/test.sh with its step's name, which first builds the package or starts
# the test backend when the step needs them (`make test` runs every step with one backend).
STEPS := fmt clippy lint native cfn-lint build-selftest backend-selftest browser package types docs \
	smoke redirect oracle passkeys pack-app demo-build demo-e2e bench-smoke secrets size
.PHONY: help demo test bench backend build setup size-floor $(STEPS)

help: ## this list
	@awk -F ':.*## ' '/^[a-z0-9-]+:.*## / { printf "  make %-17s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

demo: ## the demo at http://127.0.0.1:5173/ against a local backend it starts
	@bash tools/demo.sh

test: ## every step below, in this order, with one backend; ends with timings, figures and size
	@bash tools/test.sh

fmt: ## rustfmt --check
clippy: ## clippy, warnings denied, native and wasm32
lint: ## ruff over the Python, eslint over the hand-written JS
native: ## native Rust tests (units, vectors, SigV4 suite, properties)
cfn-lint: ## cfn-lint over infra/apiless.yaml
build-selftest: ## pytest of tools/build.py and tools/wasm_names.py
backend-selftest: ## pytest of the local backend (backend/tests), against a backend it starts
browser: ## browser tests (tests/*.rs for wasm32) in Chromium, Firefox and WebKit (APILESS_ENGINES), backend and fault proxy
package: ## the release npm package in pkg/, with the settings of wasm-pack.toml
types: ## tsc over tests/ts-app against the package's types, and no `any` in them
docs: ## the API reference (typedoc, warnings are errors) in target/docs/api; examples type-checked; npm publish --dry-run's files
smoke: ## the package's smoke and two-tab tests in Chromium, Firefox and WebKit
redirect: ## redirect sign-in (managed login, Sign in with Google, state, /logout) end to end in Chromium
oracle: ## DynamoDB values against @aws-sdk/util-dynamodb, in the package, in Chromium
passkeys: ## passkeys in the package, in Chromium with a WebAuthn virtual authenticator, against the test backend
pack-app: ## `npm pack` into apps built by Vite, webpack, Rollup, esbuild, Next.js and none, in Chromium
demo-build: ## the demo's production build (www/dist), with the test backend's config
demo-e2e: ## the demo's production build end to end in Chromium, Firefox and WebKit
bench-smoke: ## every benchmark row once, against the test backend (no time checked)
secrets: ## no secret in what the last run printed or stored (run alone: the last run's files)
size: ## the package's size against size-budget.json
$(STEPS):
	@bash tools/test.sh $@

build: package ## the npm package in pkg/ (the same as `make package`)

size-floor: setup ## what the crate's pure cores weigh alone, without the js feature (not part of `make test`)
	@bash tools/size-floor.sh

bench: ## benchmarks against the peers, side by side, into BENCHMARKS.md (not part of `make test`)
	@bash bench/bench.sh

backend: setup ## the local AWS backend alone, in the foreground (port 4566 or $APILESS_BACKEND_PORT)
	@.apiless/venv/bin/python -u backend/serve.py

setup: ## install what is missing (each piece checked in a second or two)
	@bash tools/setup.sh
