#!/usr/bin/env node
// Compute Cognito SRP vectors with amazon-cognito-identity-js (third party, npm).
//
// Drives the library's own USER_SRP_AUTH flow, CognitoUser.authenticateUser(),
// with a fake transport (CognitoUserPool.client.request), at fixed inputs:
//  * the random `a`: AuthenticationHelper.prototype.generateRandomSmallA is
//    monkeypatched to return the fixed value; the helper's constructor then
//    computes largeAValue with its own calculateA (g.modPow(a, N));
//  * "now": the global Date is replaced by a subclass whose `new Date()` is the
//    fixed instant, so the library's own DateHelper.getNowString() produces
//    TIMESTAMP (we assert it equals the wanted string);
//  * the fake transport answers InitiateAuth with the PASSWORD_VERIFIER
//    challenge and records SRP_A (InitiateAuth) and PASSWORD_CLAIM_SIGNATURE
//    (RespondToAuthChallenge).  The signature is therefore computed entirely
//    by CognitoUser.authenticateUserDefaultAuth: getPasswordAuthenticationKey
//    (HKDF key) + HMAC-SHA256 over poolName || USER_ID_FOR_SRP ||
//    SECRET_BLOCK bytes || timestamp.
//
// Every case of inputs.json is computed (for the cross-check); vector files are
// written only for the cases this tool owns:
//   tests/vectors/srp/amazon-cognito-identity-js-NN.json
// All results (incl. errors) go to tests/vectors/srp/generator/results-js.json.
//
// Run:  SRPVEC_JS_DIR=/tmp/srpvec-js node tests/vectors/srp/generator/gen_js.mjs
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.dirname(HERE); // tests/vectors/srp/
const JS_DIR = process.env.SRPVEC_JS_DIR || '/tmp/srpvec-js';
const require = createRequire(path.join(JS_DIR, 'package.json'));

const lib = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const VERSION = require('amazon-cognito-identity-js/package.json').version;
const SOURCE = `amazon-cognito-identity-js ${VERSION} (AuthenticationHelper via CognitoUser.authenticateUser)`;
const KEYS = ['source', 'pool_id', 'username', 'password', 'a_hex', 'salt_hex', 'srp_b_hex',
	'secret_block_b64', 'user_id_for_srp', 'timestamp', 'srp_a_hex', 'signature_b64'];

const RealDate = globalThis.Date;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// "Tue Mar 5 07:04:09 UTC 2024" -> epoch ms (UTC)
function parseCognitoTs(ts) {
	const m = /^(\w{3}) (\w{3}) (\d{1,2}) (\d\d):(\d\d):(\d\d) UTC (\d{4})$/.exec(ts);
	if (!m) throw new Error(`bad timestamp ${ts}`);
	return RealDate.UTC(+m[7], MONTHS.indexOf(m[2]), +m[3], +m[4], +m[5], +m[6]);
}

function freezeDate(ms) {
	class FrozenDate extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(ms);
			else super(...args);
		}
		static now() {
			return ms;
		}
	}
	globalThis.Date = FrozenDate;
}

function runCase(c) {
	return new Promise((resolve, reject) => {
		const calls = [];
		const origRandomA = lib.AuthenticationHelper.prototype.generateRandomSmallA;
		const restore = () => {
			lib.AuthenticationHelper.prototype.generateRandomSmallA = origRandomA;
			globalThis.Date = RealDate;
		};
		try {
			// fixed `a` (the helper is created inside authenticateUserDefaultAuth)
			lib.AuthenticationHelper.prototype.generateRandomSmallA = function fixedA() {
				return new BigInteger(c.a_hex, 16);
			};
			const pool = new lib.CognitoUserPool({ UserPoolId: c.pool_id, ClientId: 'vectorsclientid' });
			pool.client.request = (op, params, cb) => {
				calls.push([op, params]);
				if (op === 'InitiateAuth') {
					return cb(null, {
						ChallengeName: 'PASSWORD_VERIFIER',
						Session: 'sess',
						ChallengeParameters: {
							SALT: c.salt_hex,
							SRP_B: c.srp_b_hex,
							SECRET_BLOCK: c.secret_block_b64,
							USER_ID_FOR_SRP: c.user_id_for_srp,
							USERNAME: c.user_id_for_srp,
						},
					});
				}
				// stop the flow after RespondToAuthChallenge was built
				return cb(Object.assign(new Error('vectors: stop'), { code: 'VectorsStop' }), null);
			};
			const user = new lib.CognitoUser({ Username: c.username, Pool: pool });
			const details = new lib.AuthenticationDetails({ Username: c.username, Password: c.password });
			freezeDate(parseCognitoTs(c.timestamp));
			const done = err => {
				restore();
				if (err && err.code !== 'VectorsStop') return reject(err);
				const init = calls.find(x => x[0] === 'InitiateAuth');
				const resp = calls.find(x => x[0] === 'RespondToAuthChallenge');
				if (!init || !resp) return reject(new Error('flow did not reach RespondToAuthChallenge'));
				const cr = resp[1].ChallengeResponses;
				if (cr.TIMESTAMP !== c.timestamp)
					return reject(new Error(`timestamp ${cr.TIMESTAMP} != ${c.timestamp}`));
				if (cr.PASSWORD_CLAIM_SECRET_BLOCK !== c.secret_block_b64)
					return reject(new Error('secret block changed'));
				resolve({
					srp_a_hex: init[1].AuthParameters.SRP_A,
					signature_b64: cr.PASSWORD_CLAIM_SIGNATURE,
					timestamp: cr.TIMESTAMP,
				});
			};
			user.authenticateUser(details, {
				onSuccess: () => done(null),
				onFailure: err => done(err),
			});
		} catch (e) {
			restore();
			reject(e);
		}
	});
}

const { cases } = JSON.parse(fs.readFileSync(path.join(HERE, 'inputs.json'), 'utf8'));
fs.mkdirSync(OUT, { recursive: true });
const results = [];
for (const kase of cases) {
	const c = kase.inputs;
	let r;
	try {
		r = await runCase(c);
	} catch (e) {
		r = { error: `${e.name}: ${e.message}` };
	}
	results.push({ nn: kase.nn, owners: kase.owners, ...r });
	console.log(kase.nn, kase.owners.join(','), r.signature_b64 || r.error);
	if (kase.owners.includes('amazon-cognito-identity-js')) {
		if (r.error) throw new Error(`owned case ${kase.nn} failed in JS: ${r.error}`);
		const vec = { ...c, source: SOURCE, srp_a_hex: r.srp_a_hex, signature_b64: r.signature_b64 };
		const ordered = Object.fromEntries(KEYS.map(k => [k, vec[k]]));
		fs.writeFileSync(path.join(OUT, `amazon-cognito-identity-js-${kase.nn}.json`),
			JSON.stringify(ordered, null, 2) + '\n');
	}
}
fs.writeFileSync(path.join(HERE, 'results-js.json'),
	JSON.stringify({ source: SOURCE, results }, null, 1) + '\n');
