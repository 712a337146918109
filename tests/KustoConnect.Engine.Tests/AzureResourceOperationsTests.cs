using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using KustoConnect.Emulator;
using KustoConnect.Engine.Tests.Support;
using Xunit;

namespace KustoConnect.Engine.Tests
{
    public sealed class IotHubAccessPolicyChoiceTests
    {
        [Fact]
        public void A_policy_with_exactly_ServiceConnect_is_preferred_over_iothubowner_in_the_services_order()
        {
            var chosen = IotHubAccessPolicy.ChooseForDataConnection(new[]
            {
                new IotHubAccessPolicy("iothubowner", "RegistryWrite, ServiceConnect, DeviceConnect"),
                new IotHubAccessPolicy("registryRead", "RegistryRead"),
                new IotHubAccessPolicy("service", "ServiceConnect"),
                new IotHubAccessPolicy("iothubforread", "ServiceConnect"),
            });

            Assert.Equal("service", chosen?.KeyName);
        }

        [Fact]
        public void Without_a_ServiceConnect_only_policy_the_narrowest_one_granting_it_is_chosen()
        {
            var chosen = IotHubAccessPolicy.ChooseForDataConnection(new[]
            {
                new IotHubAccessPolicy("iothubowner", "RegistryWrite, ServiceConnect, DeviceConnect"),
                new IotHubAccessPolicy("svc-device", "ServiceConnect, DeviceConnect"),
                new IotHubAccessPolicy("registryRead", "RegistryRead"),
            });

            Assert.Equal("svc-device", chosen?.KeyName);
        }

        [Fact]
        public void No_policy_granting_ServiceConnect_means_no_choice()
        {
            Assert.Null(IotHubAccessPolicy.ChooseForDataConnection(new[]
            {
                new IotHubAccessPolicy("registryRead", "RegistryRead"),
                new IotHubAccessPolicy("devices", "DeviceConnect"),
            }));
            Assert.Null(IotHubAccessPolicy.ChooseForDataConnection(Array.Empty<IotHubAccessPolicy>()));
        }

        [Fact]
        public void Rights_are_read_whatever_their_casing_and_separators()
        {
            Assert.True(new IotHubAccessPolicy("p", "registryread,serviceconnect").GrantsServiceConnect);
            Assert.False(new IotHubAccessPolicy("p", "ServiceConnectX").GrantsServiceConnect);
        }

        [Fact]
        public void A_policy_carries_no_key()
        {
            Assert.DoesNotContain(typeof(IotHubAccessPolicy).GetProperties(), p => p.Name.Contains("Key", StringComparison.Ordinal) && p.Name != nameof(IotHubAccessPolicy.KeyName));
        }
    }

    /// <summary>Resource groups and IoT hub policies read from the emulator.</summary>
    public sealed class AzureResourceOperationsTests : IClassFixture<EmulatorFixture>
    {
        private readonly EmulatorHost _host;

        public AzureResourceOperationsTests(EmulatorFixture fixture) => _host = fixture.Host;

        private ConnectionOptions Options() => Sessions.ForEmulator(_host, "Emulator");

        [Fact]
        public async Task The_resource_groups_of_the_subscription_are_listed()
        {
            using var session = KustoSession.Create(Options());

            var names = await session.Resources.ListResourceGroupNamesAsync(DefaultWorld.SubscriptionId, CancellationToken.None);

            Assert.Equal(new[] { DefaultWorld.ResourceGroup }, names);
        }

        [Fact]
        public async Task An_iot_hubs_policies_come_back_as_names_and_rights_and_no_key_is_reported()
        {
            using var session = KustoSession.Create(Options());
            var observer = new RecordingObserver();

            // Any casing of the id's segments.
            var policies = await session.Resources.ListIotHubAccessPoliciesAsync(DefaultWorld.IotHubResourceId.Replace("IotHubs", "iothubs", StringComparison.Ordinal), observer, CancellationToken.None);

            Assert.Equal(new[] { "iothubowner", "service", "iothubforread", "registryRead" }, policies.Select(p => p.KeyName));
            Assert.Equal("RegistryWrite, ServiceConnect, DeviceConnect", policies[0].Rights);
            var verbose = Assert.Single(observer.Verbose);
            Assert.StartsWith("POST ", verbose, StringComparison.Ordinal);
            Assert.Contains("/listkeys?api-version=2023-06-30 -> 200", verbose, StringComparison.Ordinal);
        }

        [Fact]
        public async Task A_missing_hub_is_an_ARM_404_and_a_bad_id_is_refused_before_sending()
        {
            using var session = KustoSession.Create(Options());
            var missing = DefaultWorld.IotHubResourceId + "-missing";

            var notFound = await Assert.ThrowsAsync<KustoArmException>(() => session.Resources.ListIotHubAccessPoliciesAsync(missing, null, CancellationToken.None));
            Assert.Equal(404, notFound.StatusCode);

            var invalid = await Assert.ThrowsAsync<KustoValidationException>(() => session.Resources.ListIotHubAccessPoliciesAsync(DefaultWorld.EventHubResourceId, null, CancellationToken.None));
            Assert.Equal("InvalidIotHubResourceId", invalid.ErrorId);
        }
    }
}
