"use strict";
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/token-rotation/rotate-token.lambda.ts
var rotate_token_lambda_exports = {};
__export(rotate_token_lambda_exports, {
  configure: () => configure,
  handler: () => handler,
  reset: () => reset
});
module.exports = __toCommonJS(rotate_token_lambda_exports);
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

// src/token-rotation/steps.ts
var ROTATION_STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"];
var TOKEN_LENGTH = { min: 8, max: 4096, default: 32 };
var TOKEN_ENV = { length: "TOKEN_LENGTH", excludePunctuation: "TOKEN_EXCLUDE_PUNCTUATION" };
function parseRotationRequest(event) {
  const e = event ?? {};
  const step = e.Step;
  if (typeof step !== "string" || !ROTATION_STEPS.includes(step)) {
    throw new Error(`invalid rotation step ${JSON.stringify(step)}: expected one of ${ROTATION_STEPS.join(", ")}`);
  }
  for (const field of ["SecretId", "ClientRequestToken"]) {
    if (typeof e[field] !== "string" || e[field] === "") {
      throw new Error(`the rotation request has no ${field}`);
    }
  }
  return {
    step,
    secretId: e.SecretId,
    token: e.ClientRequestToken,
    rotationToken: typeof e.RotationToken === "string" && e.RotationToken !== "" ? e.RotationToken : void 0
  };
}
function tokenFormatFrom(env) {
  const raw = env[TOKEN_ENV.length] ?? String(TOKEN_LENGTH.default);
  const length = Number(raw);
  if (!Number.isInteger(length) || length < TOKEN_LENGTH.min || length > TOKEN_LENGTH.max) {
    throw new Error(`${TOKEN_ENV.length} must be a whole number from ${TOKEN_LENGTH.min} to ${TOKEN_LENGTH.max}, got ${JSON.stringify(raw)}`);
  }
  return { length, excludePunctuation: (env[TOKEN_ENV.excludePunctuation] ?? "true") !== "false" };
}
function checkStaging(request, secret) {
  if (!secret.RotationEnabled) {
    throw new Error(`secret ${request.secretId} is not enabled for rotation`);
  }
  const stages = secret.VersionIdsToStages?.[request.token];
  if (!stages) {
    throw new Error(`secret ${request.secretId} has no version ${request.token} to rotate to`);
  }
  if (stages.includes("AWSCURRENT")) {
    return "done";
  }
  if (!stages.includes("AWSPENDING")) {
    throw new Error(`version ${request.token} of secret ${request.secretId} is not staged AWSPENDING (its stages: ${stages.join(", ") || "none"})`);
  }
  return "proceed";
}
function currentVersion(secret) {
  return Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
}
function finishPlan(request, secret) {
  const current = currentVersion(secret);
  return current === request.token ? { alreadyCurrent: true } : { moveFrom: current, alreadyCurrent: false };
}
function tokenProblems(value, format, current) {
  if (value === void 0 || value === "") {
    return ["the pending version has no SecretString"];
  }
  const problems = [];
  if (value.length !== format.length) {
    problems.push(`the pending token has ${value.length} characters, not ${format.length}`);
  }
  if (format.excludePunctuation && !/^[A-Za-z0-9]*$/.test(value)) {
    problems.push("the pending token has characters other than letters and digits");
  }
  if (current !== void 0 && value === current) {
    problems.push("the pending token equals the current one: the rotation would change nothing");
  }
  return problems;
}

// src/token-rotation/rotate-token.lambda.ts
var deps;
function dependencies() {
  deps ??= { secretsManager: new import_client_secrets_manager.SecretsManagerClient({}), format: () => tokenFormatFrom(process.env) };
  return deps;
}
function configure(overrides) {
  deps = { ...dependencies(), ...overrides };
}
function reset() {
  deps = void 0;
}
async function handler(event) {
  const request = parseRotationRequest(event);
  const sm = dependencies().secretsManager;
  const described = await sm.send(new import_client_secrets_manager.DescribeSecretCommand({ SecretId: request.secretId }));
  if (checkStaging(request, described) === "done") {
    log("version is already AWSCURRENT: nothing to do", request);
    return;
  }
  switch (request.step) {
    case "createSecret":
      return createSecret(request);
    case "setSecret":
      log("no external service holds the token: nothing to set", request);
      return;
    case "testSecret":
      return testSecret(request);
    case "finishSecret":
      return finishSecret(request, described);
  }
}
async function createSecret(request) {
  const sm = dependencies().secretsManager;
  await sm.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: request.secretId, VersionStage: "AWSCURRENT" }));
  if (await pendingValue(request) !== void 0) {
    log("the pending version already has a value: kept", request);
    return;
  }
  const format = dependencies().format();
  const random = await sm.send(new import_client_secrets_manager.GetRandomPasswordCommand({
    PasswordLength: format.length,
    ExcludePunctuation: format.excludePunctuation,
    IncludeSpace: false
  }));
  await sm.send(new import_client_secrets_manager.PutSecretValueCommand({
    SecretId: request.secretId,
    ClientRequestToken: request.token,
    SecretString: random.RandomPassword,
    VersionStages: ["AWSPENDING"],
    RotationToken: request.rotationToken
  }));
  log("stored a new token as AWSPENDING", request);
}
async function testSecret(request) {
  const sm = dependencies().secretsManager;
  const pending = await pendingValue(request);
  const current = await sm.send(new import_client_secrets_manager.GetSecretValueCommand({ SecretId: request.secretId, VersionStage: "AWSCURRENT" }));
  const problems = tokenProblems(pending, dependencies().format(), current.SecretString);
  if (problems.length > 0) {
    throw new Error(`testSecret of ${request.secretId} version ${request.token}: ${problems.join("; ")}`);
  }
  log("the pending token is fit to become current", request);
}
async function finishSecret(request, described) {
  const plan = finishPlan(request, described);
  if (plan.alreadyCurrent) {
    return;
  }
  await dependencies().secretsManager.send(new import_client_secrets_manager.UpdateSecretVersionStageCommand({
    SecretId: request.secretId,
    VersionStage: "AWSCURRENT",
    MoveToVersionId: request.token,
    RemoveFromVersionId: plan.moveFrom
  }));
  log(`moved AWSCURRENT from ${plan.moveFrom ?? "no version"} to the new version`, request);
}
async function pendingValue(request) {
  try {
    const pending = await dependencies().secretsManager.send(new import_client_secrets_manager.GetSecretValueCommand({
      SecretId: request.secretId,
      VersionId: request.token,
      VersionStage: "AWSPENDING"
    }));
    return pending.SecretString;
  } catch (e) {
    if (e.name === "ResourceNotFoundException") {
      return void 0;
    }
    throw e;
  }
}
function log(message, request) {
  console.log(JSON.stringify({ message, step: request.step, secretId: request.secretId, version: request.token }));
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  configure,
  handler,
  reset
});
