// The Go consumer app of scripts/consumers: the same stack as consumers/typescript/app.ts,
// written as a user of the Go module would.
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdk-kms-patterns/cdk-kms-patterns-go/cdkkmspatterns"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(&awscdk.AppProps{AnalyticsReporting: jsii.Bool(false)})
	stack := awscdk.NewStack(app, jsii.String("KmsPatternsConsumer"), nil)

	role := awsiam.NewRole(stack, jsii.String("AcmeService"), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	cdkkmspatterns.NewTenantKey(stack, jsii.String("Acme"), &cdkkmspatterns.TenantKeyProps{
		TenantId: jsii.String("acme"),
	}).GrantEncryptDecrypt(role)

	cdkkmspatterns.NewSharedTenantKey(stack, jsii.String("Shared"), &cdkkmspatterns.SharedTenantKeyProps{
		Alias: jsii.String("shared/tenants"),
	})

	rotation := cdkkmspatterns.NewRandomTokenRotation(stack, jsii.String("TokenRotation"), &cdkkmspatterns.RandomTokenRotationProps{
		TokenLength: jsii.Number(40),
	})
	cdkkmspatterns.NewRotatedSecret(stack, jsii.String("ApiToken"), &cdkkmspatterns.RotatedSecretProps{
		RotationLambda:   rotation.Function(),
		RotationInterval: awscdk.Duration_Days(jsii.Number(30)),
	})

	// The library's cdk-nag pack as a validation plugin: any finding fails the synth.
	awscdk.Validations_Of(app).AddPlugins(cdkkmspatterns.NewEncryptionStandardsChecks(app, nil))
	app.Synth(nil)
}
