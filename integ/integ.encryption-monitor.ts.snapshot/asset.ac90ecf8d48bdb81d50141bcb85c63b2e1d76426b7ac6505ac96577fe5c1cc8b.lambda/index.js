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

// src/rotation-verification/verify-rotation.lambda.ts
var verify_rotation_lambda_exports = {};
__export(verify_rotation_lambda_exports, {
  configure: () => configure,
  handler: () => handler,
  isComplete: () => isComplete,
  isThrottling: () => isThrottling,
  onEvent: () => onEvent,
  reset: () => reset,
  withRetries: () => withRetries
});
module.exports = __toCommonJS(verify_rotation_lambda_exports);
var import_client_kms = require("@aws-sdk/client-kms");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

// src/rotation-verification/checks.ts
var HOURS_PER_DAY = 24;
var LEGACY_KEY_ROTATION_DAYS = 365;
function checkKey(requirement, status) {
  const problems = [];
  const period = status.RotationPeriodInDays ?? LEGACY_KEY_ROTATION_DAYS;
  if (status.KeyRotationEnabled !== true) {
    problems.push("automatic key rotation is disabled");
  } else if (period > requirement.maxRotationPeriodDays) {
    problems.push(`rotates every ${period} days, more than the required maximum of ${requirement.maxRotationPeriodDays} days`);
  }
  return { subject: `key ${requirement.keyId}`, problems };
}
function checkSecret(requirement, secret, now) {
  const problems = [];
  const subject = `secret ${requirement.secretId}`;
  if (secret.DeletedDate !== void 0) {
    problems.push(`is scheduled for deletion (since ${secret.DeletedDate.toISOString()})`);
  }
  if (secret.RotationEnabled !== true) {
    problems.push("rotation is not enabled");
  }
  if (!secret.RotationLambdaARN && !secret.OwningService) {
    problems.push("has neither a rotation Lambda nor hosted or managed rotation");
  }
  const intervalHours = rotationIntervalHours(secret.RotationRules);
  if (intervalHours === void 0) {
    problems.push(`has no rotation schedule Secrets Manager reports as a rate (RotationRules: ${JSON.stringify(secret.RotationRules ?? null)})`);
  } else if (intervalHours > requirement.maxRotationIntervalHours) {
    problems.push(`rotates every ${describeHours(intervalHours)}, more than the required maximum of ${describeHours(requirement.maxRotationIntervalHours)}`);
  }
  if (secret.LastRotatedDate !== void 0 && !rotationInProgress(secret)) {
    const allowedHours = (intervalHours ?? requirement.maxRotationIntervalHours) + requirement.graceHours;
    const ageHours = (now.getTime() - secret.LastRotatedDate.getTime()) / 36e5;
    if (ageHours > allowedHours) {
      problems.push(`last rotated ${secret.LastRotatedDate.toISOString()}, ${describeHours(Math.floor(ageHours))} ago, more than its interval plus grace (${describeHours(allowedHours)}): rotation is failing`);
    }
  }
  return { subject, problems };
}
function rotationIntervalHours(rules) {
  if (!rules) {
    return void 0;
  }
  const rate = /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(rules.ScheduleExpression?.trim() ?? "");
  if (rate) {
    const n = Number(rate[1]);
    return rate[2].startsWith("hour") ? n : n * HOURS_PER_DAY;
  }
  if (rules.AutomaticallyAfterDays !== void 0 && rules.AutomaticallyAfterDays > 0) {
    return rules.AutomaticallyAfterDays * HOURS_PER_DAY;
  }
  return void 0;
}
function currentVersionId(secret) {
  return Object.entries(secret.VersionIdsToStages ?? {}).find(([, stages]) => stages.includes("AWSCURRENT"))?.[0];
}
function rotationInProgress(secret) {
  return Object.values(secret.VersionIdsToStages ?? {}).some((stages) => stages.includes("AWSPENDING") && !stages.includes("AWSCURRENT"));
}
function testRotationProgress(previousVersionId, secret) {
  const current = currentVersionId(secret);
  return current !== void 0 && current !== previousVersionId && !rotationInProgress(secret) ? "rotated" : "waiting";
}
function errorVerdict(subject, error) {
  const name = error.name ?? "Error";
  const hint = HINTS[name] ?? "";
  return { subject, problems: [`could not be read: ${name}: ${error.message ?? ""}${hint}`.trim()] };
}
var HINTS = {
  AccessDeniedException: " (the verification's role is scoped to the keys and secrets it verifies; for a key, its policy must delegate to IAM)",
  NotFoundException: " (does it exist in this account and Region?)",
  ResourceNotFoundException: " (does it exist in this account and Region?)",
  KMSInvalidStateException: " (a key pending deletion, or pending import, reports no rotation status)",
  DisabledException: " (the key is disabled)"
};
function rotationTimeoutVerdict(requirement, waitedSeconds) {
  return {
    subject: `secret ${requirement.secretId}`,
    problems: [`test rotation did not move AWSCURRENT within ${waitedSeconds} seconds: check the rotation Lambda's logs`]
  };
}
function decide(requestType, strict, verdicts) {
  if (requestType === "Delete") {
    return { outcome: "succeed", message: "" };
  }
  const failing = verdicts.filter((v) => v.problems.length > 0);
  if (failing.length === 0) {
    return { outcome: "succeed", message: "" };
  }
  const message = failing.map((v) => `${v.subject}: ${v.problems.join("; ")}`).join("\n");
  if (requestType === "Create" || strict) {
    return { outcome: "fail", message: `Rotation verification failed:
${message}` };
  }
  return { outcome: "report", message };
}
var MAX_FINDINGS_LENGTH = 3e3;
function truncateFindings(message) {
  return message.length <= MAX_FINDINGS_LENGTH ? message : `${message.slice(0, MAX_FINDINGS_LENGTH - 20)}\u2026 (truncated)`;
}
function parseRequest(properties) {
  const keys = asArray(properties.Keys, "Keys").map((k, i) => ({
    keyId: asString(k.KeyId, `Keys[${i}].KeyId`),
    maxRotationPeriodDays: asNumber(k.MaxRotationPeriodDays, `Keys[${i}].MaxRotationPeriodDays`)
  }));
  const secrets = asArray(properties.Secrets, "Secrets").map((s, i) => ({
    secretId: asString(s.SecretId, `Secrets[${i}].SecretId`),
    maxRotationIntervalHours: asNumber(s.MaxRotationIntervalHours, `Secrets[${i}].MaxRotationIntervalHours`),
    graceHours: asNumber(s.GraceHours, `Secrets[${i}].GraceHours`),
    testRotation: asBoolean(s.TestRotation, `Secrets[${i}].TestRotation`)
  }));
  return {
    keys,
    secrets,
    strict: asBoolean(properties.Strict, "Strict"),
    waitSeconds: asNumber(properties.WaitSeconds, "WaitSeconds")
  };
}
function asArray(value, name) {
  if (value === void 0) {
    return [];
  }
  if (!Array.isArray(value) || value.some((v) => typeof v !== "object" || v === null)) {
    throw new Error(`property ${name} must be a list of objects, got ${JSON.stringify(value)}`);
  }
  return value;
}
function asString(value, name) {
  if (typeof value !== "string" || value.length === 0) {
    throw new Error(`property ${name} must be a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
}
function asNumber(value, name) {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) {
    throw new Error(`property ${name} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return n;
}
function asBoolean(value, name) {
  if (value === void 0 || value === false || value === "false") {
    return false;
  }
  if (value === true || value === "true") {
    return true;
  }
  throw new Error(`property ${name} must be "true" or "false", got ${JSON.stringify(value)}`);
}
function describeHours(hours) {
  return hours % HOURS_PER_DAY === 0 ? `${hours / HOURS_PER_DAY} days` : `${hours} hours`;
}

// src/rotation-verification/verify-rotation.lambda.ts
var deps;
function dependencies() {
  if (!deps) {
    deps = defaults();
  }
  return deps;
}
function defaults() {
  return {
    kms: new import_client_kms.KMSClient({}),
    secretsManager: new import_client_secrets_manager.SecretsManagerClient({}),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: () => /* @__PURE__ */ new Date(),
    maxAttempts: 6,
    baseDelayMs: 250
  };
}
function configure(overrides) {
  deps = { ...dependencies(), ...overrides };
}
function reset() {
  deps = void 0;
}
async function handler(event) {
  return process.env.VERIFY_ROTATION_PHASE === "isComplete" ? isComplete(event) : onEvent(event);
}
async function onEvent(event) {
  if (event.RequestType === "Delete") {
    return { PhysicalResourceId: event.PhysicalResourceId };
  }
  const physicalResourceId = event.RequestType === "Create" ? `rotation-verification-${event.RequestId}` : event.PhysicalResourceId;
  const { now } = dependencies();
  const state = {
    startedAt: now().toISOString(),
    previousVersions: {},
    startFailures: []
  };
  const request = tryParse(event);
  for (const secret of request?.secrets.filter((s) => s.testRotation) ?? []) {
    try {
      const before = await describeSecret(secret.secretId);
      state.previousVersions[secret.secretId] = currentVersionId(before) ?? null;
      await withRetries(() => dependencies().secretsManager.send(new import_client_secrets_manager.RotateSecretCommand({ SecretId: secret.secretId, RotateImmediately: true })));
      log("INFO", "started test rotation", { secret: secret.secretId, previousVersion: state.previousVersions[secret.secretId] });
    } catch (e) {
      state.startFailures.push(errorVerdict(`secret ${secret.secretId}`, asError(e)));
    }
  }
  return { PhysicalResourceId: physicalResourceId, VerificationState: state };
}
async function isComplete(event) {
  if (event.RequestType === "Delete") {
    return { IsComplete: true };
  }
  const { now } = dependencies();
  let request;
  try {
    request = parseRequest(event.ResourceProperties);
  } catch (e) {
    return conclude(event.RequestType, false, [{ subject: "the verification's properties", problems: [asError(e).message ?? String(e)] }]);
  }
  const state = event.VerificationState ?? { startedAt: now().toISOString(), previousVersions: {}, startFailures: [] };
  const waitedSeconds = Math.floor((now().getTime() - Date.parse(state.startedAt)) / 1e3);
  const withinBudget = waitedSeconds < request.waitSeconds;
  const failedToStart = new Set(state.startFailures.map((v) => v.subject));
  const verdicts = [...state.startFailures];
  for (const secret of request.secrets) {
    const subject = `secret ${secret.secretId}`;
    let described;
    try {
      described = await describeSecret(secret.secretId);
    } catch (e) {
      verdicts.push(errorVerdict(subject, asError(e)));
      continue;
    }
    const testing = secret.testRotation && !failedToStart.has(subject);
    const waiting = testing ? testRotationProgress(state.previousVersions[secret.secretId] ?? void 0, described) === "waiting" : rotationInProgress(described);
    if (waiting && withinBudget) {
      log("INFO", "waiting for rotation", { secret: secret.secretId, waitedSeconds });
      return { IsComplete: false };
    }
    if (waiting && testing) {
      verdicts.push(rotationTimeoutVerdict(secret, waitedSeconds));
    } else if (waiting) {
      verdicts.push({ subject, problems: [`a rotation is still pending (a version holds AWSPENDING) after ${waitedSeconds} seconds: the last rotation may have failed`] });
    }
    verdicts.push(checkSecret(secret, described, now()));
  }
  for (const key of request.keys) {
    try {
      const status = await withRetries(() => dependencies().kms.send(new import_client_kms.GetKeyRotationStatusCommand({ KeyId: key.keyId })));
      verdicts.push(checkKey(key, status));
    } catch (e) {
      verdicts.push(errorVerdict(`key ${key.keyId}`, asError(e)));
    }
  }
  return conclude(event.RequestType, request.strict, verdicts);
}
function conclude(requestType, strict, verdicts) {
  const decision = decide(requestType, strict, verdicts);
  if (decision.outcome === "fail") {
    log("ERROR", "rotation verification failed", { requestType, findings: decision.message });
    throw new Error(decision.message);
  }
  if (decision.outcome === "report") {
    log("WARN", "rotation verification found problems; not failing an update outside strict mode", { requestType, findings: decision.message });
    return { IsComplete: true, Data: { Status: "FINDINGS", Findings: truncateFindings(decision.message) } };
  }
  log("INFO", "rotation verified", { requestType, subjects: verdicts.map((v) => v.subject) });
  return { IsComplete: true, Data: { Status: "PASSED", Findings: "" } };
}
async function describeSecret(secretId) {
  return withRetries(() => dependencies().secretsManager.send(new import_client_secrets_manager.DescribeSecretCommand({ SecretId: secretId })));
}
function tryParse(event) {
  try {
    return parseRequest(event.ResourceProperties);
  } catch {
    return void 0;
  }
}
var THROTTLING = /* @__PURE__ */ new Set(["ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "LimitExceededException"]);
function isThrottling(e) {
  const err = e;
  return THROTTLING.has(err?.name ?? "") || err?.$retryable?.throttling === true || err?.$metadata?.httpStatusCode === 429;
}
async function withRetries(fn) {
  const { maxAttempts, baseDelayMs, sleep } = dependencies();
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (!isThrottling(e) || attempt >= maxAttempts) {
        throw e;
      }
      const delay = Math.round(Math.random() * baseDelayMs * 2 ** (attempt - 1));
      log("INFO", "throttled; retrying", { attempt, delayMs: delay, error: asError(e).name });
      await sleep(delay);
    }
  }
}
function asError(e) {
  return typeof e === "object" && e !== null ? e : { message: String(e) };
}
function log(level, message, fields) {
  const line = JSON.stringify({ level, message, ...fields });
  if (level === "ERROR") {
    console.error(line);
  } else if (level === "WARN") {
    console.warn(line);
  } else {
    console.log(line);
  }
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  configure,
  handler,
  isComplete,
  isThrottling,
  onEvent,
  reset,
  withRetries
});
