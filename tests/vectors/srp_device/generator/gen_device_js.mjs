#!/usr/bin/env node
// Device-tracking known answers, computed by amazon-cognito-identity-js (third party, npm).
//
// For each case below, the library's own CognitoUser.authenticateUser() runs twice against a
// fake transport (CognitoUserPool.client.request), with an in-memory Storage:
//
//  1. a sign-in whose AuthenticationResult carries NewDeviceMetadata: the library makes its own
//     random device password and salt, computes the device verifier
//     (AuthenticationHelper.generateHashDevice) and calls ConfirmDevice. We record the
//     DeviceSecretVerifierConfig it sends (Salt, PasswordVerifier, base64) and the password it
//     caches under CognitoIdentityServiceProvider.<clientId>.<username>.randomPasswordKey.
//  2. a second sign-in with that device cached: our fake answers PASSWORD_VERIFIER with
//     DEVICE_SRP_AUTH, then DEVICE_SRP_AUTH with a DEVICE_PASSWORD_VERIFIER challenge (SRP_B,
//     SALT = the device salt, SECRET_BLOCK). We record the SRP_A the library sends (with the
//     fixed `a` below: AuthenticationHelper.prototype.generateRandomSmallA is replaced) and its
//     PASSWORD_CLAIM_SIGNATURE (getDeviceResponse: the HKDF key from the device password, with
//     the DeviceGroupKey in the pool name's place and the DeviceKey as the user id). "Now" is
//     frozen (global Date replaced) so that the library's DateHelper makes TIMESTAMP.
//
// The case inputs (keys, a, B, secret block, time) are fixed below; the password and the salt
// are the library's own random draws, recorded in the vector.
//
// Run:  SRPVEC_JS_DIR=/path/with/node_modules node tests/vectors/srp_device/generator/gen_device_js.mjs
import { createRequire } from 'node:module';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.dirname(HERE); // tests/vectors/srp_device/
const JS_DIR = process.env.SRPVEC_JS_DIR || '/tmp/srpvec-js';
const require = createRequire(path.join(JS_DIR, 'package.json'));

const lib = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const VERSION = require('amazon-cognito-identity-js/package.json').version;
const SOURCE = `amazon-cognito-identity-js ${VERSION} (CognitoUser.authenticateUser: ConfirmDevice, then DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER)`;
const CLIENT_ID = 'vectorsclientid';

// Deterministic bytes for the fixed inputs: SHA-256 in counter mode over a label.
function bytes(label, n) {
	const out = [];
	for (let i = 0; out.length < n; i++) {
		out.push(...crypto.createHash('sha256').update(`${label}/${i}`).digest());
	}
	return Buffer.from(out.slice(0, n));
}

// B below N: 384 bytes with the top byte under N's (0xff... would risk B >= N).
function bigB(label) {
	const b = bytes(label, 384);
	b[0] = 0x10 + (b[0] & 0x3f);
	return b.toString('hex');
}

const CASES = [
	{ nn: '01', pool_id: 'us-east-1_AbCdEf123', username: 'alice', device_key: 'us-east-1_3f2b7c1e-5d4a-4e8b-9c0d-1a2b3c4d5e6f', device_group_key: '-Xy7Qw2Rt', timestamp: 'Mon Dec 7 00:40:05 UTC 2026' },
	{ nn: '02', pool_id: 'eu-west-1_Zz9Yy8', username: 'bob', device_key: 'eu-west-1_00a1b2c3-d4e5-46f7-8899-aabbccddeeff', device_group_key: '-a_b-C', timestamp: 'Sun Feb 29 23:59:59 UTC 2032' },
	{ nn: '03', pool_id: 'ap-south-1_Q', username: 'ünï', device_key: 'ap-south-1_ffffffff-ffff-4fff-bfff-ffffffffffff', device_group_key: '-0', timestamp: 'Thu Jan 1 00:00:00 UTC 1970' },
	{ nn: '04', pool_id: 'us-west-2_Devices', username: 'carol@example.com', device_key: 'us-west-2_8d5e1f0a-2b3c-4d5e-8f90-123456789abc', device_group_key: '-LongGroupKey1234567890', timestamp: 'Wed Jul 9 09:05:01 UTC 2025' },
];

const RealDate = globalThis.Date;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function parseCognitoTs(ts) {
	const m = /^(\w{3}) (\w{3}) (\d{1,2}) (\d\d):(\d\d):(\d\d) UTC (\d{4})$/.exec(ts);
	return RealDate.UTC(+m[7], MONTHS.indexOf(m[2]), +m[3], +m[4], +m[5], +m[6]);
}
function freezeDate(ms) {
	globalThis.Date = class FrozenDate extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(ms);
			else super(...args);
		}
		static now() {
			return ms;
		}
	};
}

function memoryStorage() {
	const m = new Map();
	return {
		setItem: (k, v) => m.set(k, String(v)),
		getItem: k => (m.has(k) ? m.get(k) : null),
		removeItem: k => m.delete(k),
		clear: () => m.clear(),
		map: m,
	};
}

// An unsigned JWT the library can decode (it reads exp and iat only).
function jwt(payload) {
	const enc = o => Buffer.from(JSON.stringify(o)).toString('base64url');
	return `${enc({ alg: 'none' })}.${enc(payload)}.sig`;
}

function signIn(c, storage, answer) {
	return new Promise((resolve, reject) => {
		const calls = [];
		const pool = new lib.CognitoUserPool({ UserPoolId: c.pool_id, ClientId: CLIENT_ID, Storage: storage });
		pool.client.request = (op, params, cb) => {
			calls.push([op, JSON.parse(JSON.stringify(params))]);
			const reply = answer(op, params);
			if (reply instanceof Error) return cb(reply, null);
			return cb(null, reply);
		};
		const user = new lib.CognitoUser({ Username: c.username, Pool: pool, Storage: storage });
		const details = new lib.AuthenticationDetails({ Username: c.username, Password: 'user-password' });
		user.authenticateUser(details, {
			onSuccess: () => resolve(calls),
			onFailure: err => (err.code === 'VectorsStop' ? resolve(calls) : reject(err)),
		});
	});
}

const stop = () => Object.assign(new Error('vectors: stop'), { code: 'VectorsStop' });
const userChallenge = c => ({
	ChallengeName: 'PASSWORD_VERIFIER',
	ChallengeParameters: {
		SALT: 'ab12', SRP_B: bigB(`user-b/${c.nn}`), SECRET_BLOCK: bytes(`user-block/${c.nn}`, 32).toString('base64'),
		USER_ID_FOR_SRP: c.username, USERNAME: c.username,
	},
});

async function runCase(c) {
	const storage = memoryStorage();
	const now = parseCognitoTs(c.timestamp) / 1000;
	const tokens = {
		AccessToken: jwt({ exp: now + 3600, iat: now, username: c.username }),
		IdToken: jwt({ exp: now + 3600, iat: now }),
		RefreshToken: 'refresh',
		NewDeviceMetadata: { DeviceKey: c.device_key, DeviceGroupKey: c.device_group_key },
	};
	const a_hex = bytes(`device-a/${c.nn}`, 128).toString('hex');
	const origRandomA = lib.AuthenticationHelper.prototype.generateRandomSmallA;
	lib.AuthenticationHelper.prototype.generateRandomSmallA = () => new BigInteger(a_hex, 16);
	freezeDate(parseCognitoTs(c.timestamp));
	try {
		// 1. ConfirmDevice after a sign-in that returns NewDeviceMetadata.
		const first = await signIn(c, storage, op => {
			if (op === 'InitiateAuth') return userChallenge(c);
			if (op === 'RespondToAuthChallenge') return { AuthenticationResult: tokens };
			if (op === 'ConfirmDevice') return { UserConfirmationNecessary: false };
			return stop();
		});
		const confirm = first.find(x => x[0] === 'ConfirmDevice');
		if (!confirm) throw new Error('no ConfirmDevice');
		const prefix = `CognitoIdentityServiceProvider.${CLIENT_ID}.${c.username}`;
		const password = storage.getItem(`${prefix}.randomPasswordKey`);
		if (storage.getItem(`${prefix}.deviceKey`) !== c.device_key) throw new Error('device key not cached');
		if (storage.getItem(`${prefix}.deviceGroupKey`) !== c.device_group_key) throw new Error('group key not cached');
		const cfg = confirm[1].DeviceSecretVerifierConfig;

		// 2. The device's SRP on the next sign-in.
		const srp_b_hex = bigB(`device-b/${c.nn}`);
		const secret_block_b64 = bytes(`device-block/${c.nn}`, 64 + Number(c.nn)).toString('base64');
		const salt_hex = Buffer.from(cfg.Salt, 'base64').toString('hex');
		const second = await signIn(c, storage, (op, params) => {
			if (op === 'InitiateAuth') return userChallenge(c);
			if (op !== 'RespondToAuthChallenge') return stop();
			if (params.ChallengeName === 'PASSWORD_VERIFIER') return { ChallengeName: 'DEVICE_SRP_AUTH', Session: 's1', ChallengeParameters: {} };
			if (params.ChallengeName === 'DEVICE_SRP_AUTH') {
				return {
					ChallengeName: 'DEVICE_PASSWORD_VERIFIER', Session: 's2',
					ChallengeParameters: { SRP_B: srp_b_hex, SALT: salt_hex, SECRET_BLOCK: secret_block_b64, USERNAME: c.username, DEVICE_KEY: c.device_key },
				};
			}
			return stop();
		});
		const srp = second.find(x => x[0] === 'RespondToAuthChallenge' && x[1].ChallengeName === 'DEVICE_SRP_AUTH');
		const claim = second.find(x => x[0] === 'RespondToAuthChallenge' && x[1].ChallengeName === 'DEVICE_PASSWORD_VERIFIER');
		if (!srp || !claim) throw new Error('the device flow did not run');
		const cr = claim[1].ChallengeResponses;
		if (cr.TIMESTAMP !== c.timestamp) throw new Error(`timestamp ${cr.TIMESTAMP} != ${c.timestamp}`);
		if (cr.DEVICE_KEY !== c.device_key || srp[1].ChallengeResponses.DEVICE_KEY !== c.device_key) throw new Error('device key not sent');
		return {
			source: SOURCE,
			device_key: c.device_key,
			device_group_key: c.device_group_key,
			device_password: password,
			salt_b64: cfg.Salt,
			password_verifier_b64: cfg.PasswordVerifier,
			a_hex,
			srp_b_hex,
			secret_block_b64,
			timestamp: cr.TIMESTAMP,
			srp_a_hex: srp[1].ChallengeResponses.SRP_A,
			signature_b64: cr.PASSWORD_CLAIM_SIGNATURE,
		};
	} finally {
		lib.AuthenticationHelper.prototype.generateRandomSmallA = origRandomA;
		globalThis.Date = RealDate;
	}
}

for (const c of CASES) {
	const v = await runCase(c);
	fs.writeFileSync(path.join(OUT, `amazon-cognito-identity-js-${c.nn}.json`), JSON.stringify(v, null, 2) + '\n');
	console.log(c.nn, v.signature_b64);
}
