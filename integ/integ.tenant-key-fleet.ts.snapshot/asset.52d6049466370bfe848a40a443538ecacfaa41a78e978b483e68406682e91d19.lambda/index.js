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
  dailyCheck: () => dailyCheck,
  handler: () => handler,
  isComplete: () => isComplete,
  isThrottling: () => isThrottling,
  onEvent: () => onEvent,
  reset: () => reset,
  withRetries: () => withRetries
});
module.exports = __toCommonJS(verify_rotation_lambda_exports);
var import_client_cloudwatch = require("@aws-sdk/client-cloudwatch");
var import_client_kms = require("@aws-sdk/client-kms");
var import_client_secrets_manager = require("@aws-sdk/client-secrets-manager");

// src/rotation-verification/checks.ts
var HOURS_PER_DAY = 24;
var LEGACY_KEY_ROTATION_DAYS = 365;
var DEFAULT_PENDING_WAIT_SECONDS = 180;
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
function checkSecret(requirement, secret, now, mode = "deploy") {
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
  const since = secret.LastRotatedDate ?? secret.CreatedDate;
  if (since !== void 0 && (mode === "daily" || !rotationInProgress(secret))) {
    const allowedHours = (intervalHours ?? requirement.maxRotationIntervalHours) + requirement.graceHours;
    const ageHours = (now.getTime() - since.getTime()) / 36e5;
    if (ageHours > allowedHours) {
      const what = secret.LastRotatedDate ? "last rotated" : "never rotated since it was created";
      const pending = rotationInProgress(secret) ? " (a version still holds AWSPENDING: the last rotation did not finish)" : "";
      problems.push(`${what} ${since.toISOString()}, ${describeHours(Math.floor(ageHours))} ago, more than its interval plus grace (${describeHours(allowedHours)}): rotation is failing${pending}`);
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
function rotationTimeoutVerdict(requirement, waitedSeconds, secret = {}) {
  return {
    subject: `secret ${requirement.secretId}`,
    problems: [`test rotation did not move AWSCURRENT within ${waitedSeconds} seconds: ${whereToLook(secret)}`]
  };
}
function pendingRotationVerdict(requirement, waitedSeconds, secret) {
  return {
    subject: `secret ${requirement.secretId}`,
    problems: [`a rotation is still pending after ${waitedSeconds} seconds (a version holds AWSPENDING and AWSCURRENT has not moved): ${whereToLook(secret)}. Secrets Manager retries the pending rotation at the next scheduled rotation, or now with \`aws secretsmanager rotate-secret --secret-id ${requirement.secretId}\``]
  };
}
function whereToLook(secret) {
  const name = secret.RotationLambdaARN ? rotationFunctionName(secret.RotationLambdaARN) : void 0;
  if (name) {
    return `the rotation function ${name} has not finished it; see its logs in /aws/lambda/${name} (its default log group) for the step that failed (createSecret, setSecret, testSecret or finishSecret)`;
  }
  if (secret.OwningService) {
    return `its rotation is managed by ${secret.OwningService}; see that service's events for the failure`;
  }
  return "the secret has no rotation function to finish it";
}
function rotationFunctionName(functionArn) {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(functionArn);
  return match?.[1];
}
function waitBudgetSeconds(request, testRotation) {
  return testRotation ? request.waitSeconds : Math.min(request.pendingWaitSeconds, request.waitSeconds);
}
function keepWaiting(requestType, strict, waiting, verdicts) {
  return requestType !== "Delete" && waiting > 0 && decide(requestType, strict, verdicts).outcome !== "fail";
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
    waitSeconds: asNumber(properties.WaitSeconds, "WaitSeconds"),
    // Absent from resources deployed before the property existed: their next update sends it.
    pendingWaitSeconds: properties.PendingWaitSeconds === void 0 ? DEFAULT_PENDING_WAIT_SECONDS : asNumber(properties.PendingWaitSeconds, "PendingWaitSeconds")
  };
}
var DAILY_CHECK_FIELD = "DailyRotationCheck";
var DAILY_CHECK_NAMESPACE = "KmsPatterns/RotationCheck";
function isDailyCheckEvent(event) {
  return typeof event === "object" && event !== null && DAILY_CHECK_FIELD in event;
}
function parseDailyRequest(event) {
  const body = event[DAILY_CHECK_FIELD];
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new Error(`${DAILY_CHECK_FIELD} must be an object, got ${JSON.stringify(body)}`);
  }
  const input = body;
  const ids = (group, name) => {
    if (!Array.isArray(group.Ids)) {
      throw new Error(`${name}.Ids must be a list of strings, got ${JSON.stringify(group.Ids)}`);
    }
    return group.Ids.map((id, i) => asString(id, `${name}.Ids[${i}]`));
  };
  const keys = asArray(input.Keys, "Keys").flatMap((g, i) => {
    const maxRotationPeriodDays = asNumber(g.MaxDays, `Keys[${i}].MaxDays`);
    return ids(g, `Keys[${i}]`).map((keyId) => ({ keyId, maxRotationPeriodDays }));
  });
  const secrets = asArray(input.Secrets, "Secrets").flatMap((g, i) => {
    const maxRotationIntervalHours = asNumber(g.MaxHours, `Secrets[${i}].MaxHours`);
    const graceHours = asNumber(g.GraceHours, `Secrets[${i}].GraceHours`);
    return ids(g, `Secrets[${i}]`).map((secretId) => ({ secretId, maxRotationIntervalHours, graceHours, testRotation: false }));
  });
  return { stackName: asString(input.Stack, "Stack"), shard: asNumber(input.Shard, "Shard"), keys, secrets };
}
function summarizeDaily(verdicts) {
  const failing = verdicts.filter((v) => v.problems.length > 0);
  return { findings: failing.length, failing };
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
    cloudWatch: new import_client_cloudwatch.CloudWatchClient({}),
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
  if (isDailyCheckEvent(event)) {
    return dailyCheck(event);
  }
  const request = event;
  return process.env.VERIFY_ROTATION_PHASE === "isComplete" ? isComplete(request) : onEvent(request);
}
async function dailyCheck(event) {
  let request;
  try {
    request = parseDailyRequest(event);
  } catch (e) {
    log("ERROR", "daily rotation check: unreadable input", { error: asError(e).message });
    throw e;
  }
  const verdicts = [
    ...await checkKeys(request.keys),
    ...await checkSecrets(request.secrets, "daily")
  ];
  const summary = summarizeDaily(verdicts);
  for (const finding of summary.failing) {
    log("WARN", "daily rotation check finding", { check: "daily", stack: request.stackName, shard: request.shard, subject: finding.subject, problems: finding.problems });
  }
  const dimensions = [{ Name: "StackName", Value: request.stackName }];
  await withRetries(() => dependencies().cloudWatch.send(new import_client_cloudwatch.PutMetricDataCommand({
    Namespace: DAILY_CHECK_NAMESPACE,
    MetricData: [
      { MetricName: "Heartbeat", Value: 1, Unit: "Count", Dimensions: dimensions },
      { MetricName: "Findings", Value: summary.findings, Unit: "Count", Dimensions: dimensions }
    ]
  })));
  log("INFO", "daily rotation check done", {
    check: "daily",
    stack: request.stackName,
    shard: request.shard,
    keys: request.keys.length,
    secrets: request.secrets.length,
    findings: summary.findings
  });
  return summary;
}
async function checkKeys(keys) {
  const verdicts = [];
  for (const key of keys) {
    try {
      const status = await withRetries(() => dependencies().kms.send(new import_client_kms.GetKeyRotationStatusCommand({ KeyId: key.keyId })));
      verdicts.push(checkKey(key, status));
    } catch (e) {
      verdicts.push(errorVerdict(`key ${key.keyId}`, asError(e)));
    }
  }
  return verdicts;
}
async function checkSecrets(secrets, mode) {
  const verdicts = [];
  for (const secret of secrets) {
    try {
      verdicts.push(checkSecret(secret, await describeSecret(secret.secretId), dependencies().now(), mode));
    } catch (e) {
      verdicts.push(errorVerdict(`secret ${secret.secretId}`, asError(e)));
    }
  }
  return verdicts;
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
  const failedToStart = new Set(state.startFailures.map((v) => v.subject));
  const verdicts = [...state.startFailures];
  const waiting = [];
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
    const pending = testing ? testRotationProgress(state.previousVersions[secret.secretId] ?? void 0, described) === "waiting" : rotationInProgress(described);
    if (pending && waitedSeconds < waitBudgetSeconds(request, testing)) {
      waiting.push(secret.secretId);
      log("INFO", "waiting for rotation", { secret: secret.secretId, waitedSeconds, testRotation: testing, whereToLook: whereToLook(described) });
    } else if (pending) {
      verdicts.push(testing ? rotationTimeoutVerdict(secret, waitedSeconds, described) : pendingRotationVerdict(secret, waitedSeconds, described));
    }
    verdicts.push(checkSecret(secret, described, now()));
  }
  verdicts.push(...await checkKeys(request.keys));
  if (keepWaiting(event.RequestType, request.strict, waiting.length, verdicts)) {
    return { IsComplete: false };
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
  dailyCheck,
  handler,
  isComplete,
  isThrottling,
  onEvent,
  reset,
  withRetries
});
