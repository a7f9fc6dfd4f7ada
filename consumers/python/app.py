# The Python consumer app of scripts/consumers: the same stack as consumers/typescript/app.ts,
# written as a user of `pip install cdk-kms-patterns` would.
from aws_cdk import App, Duration, Stack, Validations, aws_iam as iam
from cdk_kms_patterns import (
    EncryptionStandardsChecks,
    RandomTokenRotation,
    RotatedSecret,
    SharedTenantKey,
    TenantKey,
)

app = App(analytics_reporting=False)
stack = Stack(app, "KmsPatternsConsumer")

role = iam.Role(stack, "AcmeService", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
TenantKey(stack, "Acme", tenant_id="acme").grant_encrypt_decrypt(role)

SharedTenantKey(stack, "Shared", alias="shared/tenants")

rotation = RandomTokenRotation(stack, "TokenRotation", token_length=40)
RotatedSecret(stack, "ApiToken", rotation_lambda=rotation.function, rotation_interval=Duration.days(30))

# The library's cdk-nag pack as a validation plugin: any finding fails the synth.
Validations.of(app).add_plugins(EncryptionStandardsChecks(app))
app.synth()
