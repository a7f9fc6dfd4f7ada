// The Java consumer app of scripts/consumers: the same stack as consumers/typescript/app.ts,
// written as a user of the Maven package would.
package consumer;

import io.github.cdkkmspatterns.EncryptionStandardsChecks;
import io.github.cdkkmspatterns.RandomTokenRotation;
import io.github.cdkkmspatterns.RotatedSecret;
import io.github.cdkkmspatterns.SharedTenantKey;
import io.github.cdkkmspatterns.TenantKey;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Validations;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;

public final class ConsumerApp {
    public static void main(final String[] args) {
        App app = new App(AppProps.builder().analyticsReporting(false).build());
        Stack stack = new Stack(app, "KmsPatternsConsumer");

        Role role = Role.Builder.create(stack, "AcmeService")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com")).build();
        TenantKey.Builder.create(stack, "Acme").tenantId("acme").build().grantEncryptDecrypt(role);

        SharedTenantKey.Builder.create(stack, "Shared").alias("shared/tenants").build();

        RandomTokenRotation rotation = RandomTokenRotation.Builder.create(stack, "TokenRotation").tokenLength(40).build();
        RotatedSecret.Builder.create(stack, "ApiToken")
            .rotationLambda(rotation.getFunction())
            .rotationInterval(Duration.days(30))
            .build();

        // The library's cdk-nag pack as a validation plugin: any finding fails the synth.
        Validations.of(app).addPlugins(new EncryptionStandardsChecks(app));
        app.synth();
    }
}
