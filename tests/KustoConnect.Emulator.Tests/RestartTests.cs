using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading.Tasks;
using Xunit;

namespace KustoConnect.Emulator.Tests;

public sealed class RestartTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "kc-emulator-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory))
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private sealed class Fixture(EmulatorOptions options) : EmulatorFixture
    {
        protected override EmulatorOptions Options => options;
    }

    [Fact]
    public async Task An_operation_in_flight_when_the_emulator_stops_finishes_after_a_restart_on_the_same_data_directory()
    {
        var options = new EmulatorOptions { DataDirectory = dataDirectory, OperationDuration = TimeSpan.FromSeconds(0.5) };
        var name = EmulatorFixture.NewName();
        var path = $"{EmulatorFixture.Database}/dataConnections/{name}?api-version=2024-04-13";
        string asyncOperation;
        string thumbprint;

        var first = new Fixture(options);
        await first.InitializeAsync();
        try
        {
            thumbprint = first.Host.Certificate.Thumbprint;
            using var put = await first.SendAsync(HttpMethod.Put, path, EmulatorFixture.IotHubConnection(await first.NewConsumerGroupAsync()));
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            asyncOperation = EmulatorFixture.Header(put, "Azure-AsyncOperation");
        }
        finally
        {
            await first.DisposeAsync();
        }

        Assert.True(File.Exists(Path.Combine(dataDirectory, "emulator.crt")));
        var second = new Fixture(options);
        await second.InitializeAsync();
        try
        {
            Assert.Equal(thumbprint, second.Host.Certificate.Thumbprint);
            var operation = await second.PollAsync(asyncOperation.Replace(new Uri(asyncOperation).GetLeftPart(UriPartial.Authority), second.Host.BaseUri.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
            Assert.Equal("Succeeded", operation["status"]!.GetValue<string>());
            using var get = await second.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal("Succeeded", (await EmulatorFixture.ReadJsonAsync(get))["properties"]!["provisioningState"]!.GetValue<string>());
        }
        finally
        {
            await second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_temporary_data_directory_is_deleted_on_dispose()
    {
        var host = await EmulatorHost.StartAsync(new EmulatorOptions());
        var directory = Path.GetDirectoryName(host.CertificatePath)!;
        Assert.True(File.Exists(host.CertificatePath));
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(host.CertificatePath), StringComparison.Ordinal);

        await host.DisposeAsync();

        Assert.False(Directory.Exists(directory));
    }
}
