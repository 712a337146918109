using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KustoConnect.Emulator;

/// <summary>
/// A running emulator of Azure Resource Manager and Entra ID on https://127.0.0.1:{port}/, with its own certificate and
/// its state in the data directory (a snapshot and a journal, see StateStore; no native code). Start it with <see cref="StartAsync(EmulatorOptions, CancellationToken)"/>.
/// </summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly StateStore store;
    private readonly RequestLog requestLog;
    private readonly X509Certificate2 serverCertificate;
    private readonly bool ownsDataDirectory;
    private readonly ILogger logger;
    private readonly DataDirectoryLock folderLock;
    private int disposed;

    private EmulatorHost(
        WebApplication app, StateStore store, RequestLog requestLog, X509Certificate2 serverCertificate, Uri baseUri,
        string dataDirectory, bool ownsDataDirectory, ILogger logger, DataDirectoryLock folderLock)
    {
        this.folderLock = folderLock;
        this.app = app;
        this.store = store;
        this.requestLog = requestLog;
        this.serverCertificate = serverCertificate;
        this.ownsDataDirectory = ownsDataDirectory;
        this.logger = logger;
        BaseUri = baseUri;
        DataDirectory = dataDirectory;
        CertificatePath = Path.Combine(dataDirectory, CertificateStore.PemFileName);
        Certificate = X509CertificateLoader.LoadCertificate(serverCertificate.RawData);
    }

    /// <summary>https://127.0.0.1:{port}/</summary>
    public Uri BaseUri { get; }

    /// <summary>The PEM file of the public certificate; clients pin exactly this certificate.</summary>
    public string CertificatePath { get; }

    /// <summary>The public part of the certificate the emulator serves.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The folder holding the state (snapshot and journal) and the certificate.</summary>
    public string DataDirectory { get; }

    /// <summary>Requests served so far (method, path with query, status), in order. Admin API calls are not included.</summary>
    public IReadOnlyList<RequestLogEntry> RequestLog => requestLog.Snapshot();

    internal string TenantId { get; private set; } = "";

    internal string SubscriptionId { get; private set; } = "";

    /// <summary>
    /// The client id of the principal that clients sign in as by default: the world's first service principal with a
    /// client secret and the Contributor or Owner role. Null when the world has none. Its secret is handed out only by GET /_emulator/connection.
    /// </summary>
    internal string? ClientId { get; private set; }

    /// <summary>The full path of the world file the emulator's world was seeded from.</summary>
    internal string WorldFile { get; private set; } = "";

    public void ClearRequestLog() => requestLog.Clear();

    public static Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default) =>
        StartAsync(options, configureLogging: null, cancellationToken);

    internal static async Task<EmulatorHost> StartAsync(EmulatorOptions options, Action<ILoggingBuilder>? configureLogging, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "Port must be between 0 and 65535.");
        }

        if (options.OperationDuration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.OperationDuration, "OperationDuration cannot be negative.");
        }

        var owns = string.IsNullOrEmpty(options.DataDirectory) || options.RemoveDataDirectoryOnExit;
        var dataDirectory = Path.GetFullPath(string.IsNullOrEmpty(options.DataDirectory)
            ? Path.Combine(Path.GetTempPath(), "kustoconnect-emulator-" + Guid.NewGuid().ToString("N"))
            : options.DataDirectory!);
        FilePermissions.CreatePrivateDirectory(dataDirectory);

        StateStore? store = null;
        X509Certificate2? certificate = null;
        WebApplication? app = null;
        DataDirectoryLock? folderLock = null;
        try
        {
            folderLock = DataDirectoryLock.Acquire(dataDirectory);
            var worldFile = options.WorldFile is null ? null : Path.GetFullPath(options.WorldFile);
            store = new StateStore(dataDirectory, worldFile);
            certificate = CertificateStore.LoadOrCreate(dataDirectory);
            var settings = new EmulatorSettings { OperationDuration = options.OperationDuration };
            var faults = new FaultInjector();
            var log = new RequestLog();
            var tokens = new TokenService(certificate);
            var arm = new ArmApi(store, tokens, settings, faults);
            var deviceCodes = new DeviceCodeStore();
            var entra = new EntraApi(store, tokens, settings, deviceCodes);
            var identity = new ManagedIdentityApi(store, tokens, settings);
            var admin = new AdminApi(store, settings, faults, log, deviceCodes);

            var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
            {
                ApplicationName = typeof(EmulatorHost).Assembly.GetName().Name,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Logging.ClearProviders();
            if (configureLogging is not null)
            {
                configureLogging(builder.Logging);
            }

            var serverCertificate = certificate;
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(serverCertificate);
                });
            });
            app = builder.Build();
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KustoConnect.Emulator");
            var pipeline = new Pipeline(arm, entra, identity, admin, faults, log, logger);
            app.Run(pipeline.HandleAsync);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            var host = new EmulatorHost(app, store, log, certificate, new Uri($"https://127.0.0.1:{port}/"), dataDirectory, owns, logger, folderLock)
            {
                TenantId = store.World.Tenants.FirstOrDefault()?.Id ?? "",
                SubscriptionId = store.World.Subscriptions.FirstOrDefault()?.Id ?? "",
                ClientId = DefaultSignInPrincipal(store.World)?.ClientId,
                WorldFile = store.SeedFile,
            };
            return host;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }

            store?.Dispose();
            certificate?.Dispose();
            var locked = folderLock is not null;
            folderLock?.Dispose();

            // Never a folder another emulator holds: only one this start had locked.
            if (owns && locked)
            {
                TryDelete(dataDirectory);
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Log.StopTimedOut(logger);
        }

        await app.DisposeAsync().ConfigureAwait(false);
        store.Dispose();
        serverCertificate.Dispose();
        Certificate.Dispose();
        folderLock.Dispose();
        if (ownsDataDirectory)
        {
            TryDelete(DataDirectory);
        }
    }

    /// <summary>The principal clients sign in as by default: the first service principal with a secret and the Contributor or Owner role.</summary>
    internal static WorldServicePrincipal? DefaultSignInPrincipal(World world) =>
        world.ServicePrincipals.FirstOrDefault(p =>
            p.ManagedIdentity is null && !string.IsNullOrEmpty(p.ClientSecret)
            && p.RoleAssignments.Any(r => World.Same(r.Role, "Contributor") || World.Same(r.Role, "Owner")));

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a file still held open by another process must not fail disposal.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    /// <summary>
    /// Every request goes through here: ARM headers, the request-size and media-type limits, injected faults, dispatch,
    /// request log. Nothing a client sends can make it answer 500 or show a stack trace.
    /// </summary>
    private sealed class Pipeline(ArmApi arm, EntraApi entra, ManagedIdentityApi identity, AdminApi admin, FaultInjector faults, RequestLog log, ILogger logger)
    {
        public async Task HandleAsync(HttpContext ctx)
        {
            var path = ctx.Request.Path.Value ?? "/";
            var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            var isAdmin = segments.Length > 0 && World.Same(segments[0], "_emulator");
            if (isAdmin)
            {
                if (await RequestLimits.ReadBodyAsync(ctx).ConfigureAwait(false) is not null)
                {
                    await admin.HandleAsync(ctx, segments).ConfigureAwait(false);
                }

                return;
            }

            var sequence = log.NextSequence();
            AddArmHeaders(ctx);
            var outcome = RequestOutcomes.Completed;
            int? processedStatus = null;
            byte[]? body = null;
            var recorded = false;
            try
            {
                body = await RequestLimits.ReadBodyAsync(ctx).ConfigureAwait(false);
                if (body is null)
                {
                    return;
                }

                var isArm = !EntraApi.Handles(segments) && !ManagedIdentityApi.Handles(segments);
                if (isArm && !await RequestLimits.CheckJsonContentAsync(ctx, body).ConfigureAwait(false))
                {
                    return;
                }

                var fault = faults.TakeRequestFault(ctx.Request.Method, path);
                if (fault is not null && fault.Latency > TimeSpan.Zero)
                {
                    await Task.Delay(fault.Latency, ctx.RequestAborted).ConfigureAwait(false);
                }

                if (fault is { DropConnection: true })
                {
                    // No status line, no body: the client sees the connection reset, as when a gateway dies mid-request.
                    Log.DroppedConnection(logger, ctx.Request.Method, path);
                    outcome = RequestOutcomes.Dropped;
                    Record();
                    ctx.Abort();
                }
                else if (fault?.StatusCode is { } status)
                {
                    if (fault.RetryAfterSeconds is { } retryAfter)
                    {
                        ctx.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }

                    await Http.Error(ctx, status, fault.ErrorCode ?? DefaultFaultCode(status),
                        fault.ErrorMessage ?? $"The request was failed with status {status} by a fault injected in the emulator.").ConfigureAwait(false);
                }
                else if (fault is { DropConnectionAfterProcessing: true })
                {
                    // Serve the request in full into a buffer that is thrown away, then reset the connection: the state
                    // changed and the operation started, but the client never learns it.
                    var realBody = ctx.Response.Body;
                    await using var discarded = new MemoryStream();
                    ctx.Response.Body = discarded;
                    try
                    {
                        await DispatchAsync(ctx, segments).ConfigureAwait(false);
                    }
                    finally
                    {
                        ctx.Response.Body = realBody;
                    }

                    Log.DroppedResponse(logger, ctx.Request.Method, path, ctx.Response.StatusCode);
                    outcome = RequestOutcomes.DroppedAfterProcessing;
                    processedStatus = ctx.Response.StatusCode;
                    Record();
                    ctx.Abort();
                }
                else
                {
                    await DispatchAsync(ctx, segments).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // The client went away.
            }
            catch (Microsoft.AspNetCore.Http.BadHttpRequestException ex) when (!ctx.Response.HasStarted)
            {
                // Kestrel's own refusals (a body too large or cut short, a bad chunk): a 4xx in ARM's shape.
                await Http.Error(ctx, ex.StatusCode, ex.StatusCode == 413 ? "RequestEntityTooLarge" : "BadRequest", "The request could not be read: " + ex.Message).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ctx.Response.HasStarted)
            {
                // A defect of the emulator, never of the request: logged in full on stderr, answered without details.
                Log.UnhandledError(logger, ex, ctx.Request.Method, path);
                await Http.Error(ctx, 500, "InternalServerError", "The emulator failed to process the request.").ConfigureAwait(false);
            }
            finally
            {
                if (outcome == RequestOutcomes.Completed && ctx.RequestAborted.IsCancellationRequested)
                {
                    outcome = RequestOutcomes.Abandoned;
                }

                Record();
            }

            // Once per request; for a dropped connection before the abort, so that a client that sees the reset
            // already finds the request in the log.
            void Record()
            {
                if (recorded)
                {
                    return;
                }

                recorded = true;
                var contentType = ctx.Request.ContentType;
                log.Add(new RequestLogEntry(ctx.Request.Method, path + ctx.Request.QueryString.Value, outcome == RequestOutcomes.Completed ? ctx.Response.StatusCode : 0)
                {
                    Sequence = sequence,
                    Outcome = outcome,
                    ProcessedStatusCode = processedStatus,
                    ContentType = contentType,
                    RequestBody = body is null ? null : LoggedBodies.Describe(body, contentType),
                });
            }
        }

        private Task DispatchAsync(HttpContext ctx, string[] segments)
        {
            if (EntraApi.Handles(segments))
            {
                return entra.HandleAsync(ctx, segments);
            }

            return ManagedIdentityApi.Handles(segments) ? identity.HandleAsync(ctx) : arm.HandleAsync(ctx, segments);
        }

        private static string DefaultFaultCode(int status) => status switch
        {
            429 => "TooManyRequests",
            500 => "InternalServerError",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => "InjectedFault",
        };

        private static void AddArmHeaders(HttpContext ctx)
        {
            var headers = ctx.Response.Headers;
            var requestId = Guid.NewGuid().ToString();
            var correlation = ctx.Request.Headers["x-ms-correlation-request-id"].ToString();
            if (string.IsNullOrEmpty(correlation))
            {
                correlation = ctx.Request.Headers["x-ms-client-request-id"].ToString();
            }

            if (string.IsNullOrEmpty(correlation) || correlation.Length > 200)
            {
                correlation = Guid.NewGuid().ToString();
            }

            headers.CacheControl = "no-cache";
            headers.Pragma = "no-cache";
            headers["x-ms-request-id"] = requestId;
            headers["x-ms-correlation-request-id"] = correlation;
            headers["x-ms-routing-request-id"] = "LOCAL:" + DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture) + ":" + correlation;
            if (HttpMethods.IsGet(ctx.Request.Method) || HttpMethods.IsHead(ctx.Request.Method))
            {
                headers["x-ms-ratelimit-remaining-subscription-reads"] = "11999";
            }
            else
            {
                headers["x-ms-ratelimit-remaining-subscription-writes"] = "1199";
            }

            var clientRequestId = ctx.Request.Headers["x-ms-client-request-id"].ToString();
            if (!string.IsNullOrEmpty(clientRequestId) && clientRequestId.Length <= 200)
            {
                headers["x-ms-client-request-id"] = clientRequestId;
            }
        }
    }
}

/// <summary>The emulator's log lines (stderr), as compiled LoggerMessage delegates.</summary>
internal static class Log
{
    internal static readonly Action<ILogger, Exception?> StopTimedOutMessage =
        LoggerMessage.Define(LogLevel.Warning, new EventId(1, nameof(StopTimedOut)), "The emulator did not stop within 5 seconds; closing connections.");

    internal static readonly Action<ILogger, string, string, Exception?> DroppedConnectionMessage =
        LoggerMessage.Define<string, string>(LogLevel.Warning, new EventId(2, nameof(DroppedConnection)), "Injected fault: dropping the connection of {Method} {Path}");

    internal static readonly Action<ILogger, string, string, int, Exception?> DroppedResponseMessage =
        LoggerMessage.Define<string, string, int>(LogLevel.Warning, new EventId(3, nameof(DroppedResponse)), "Injected fault: dropping the response of {Method} {Path} (status {Status}) after processing it");

    internal static readonly Action<ILogger, string, string, Exception?> UnhandledErrorMessage =
        LoggerMessage.Define<string, string>(LogLevel.Error, new EventId(4, nameof(UnhandledError)), "Unhandled error serving {Method} {Path}");

    internal static void StopTimedOut(ILogger logger) => StopTimedOutMessage(logger, null);

    internal static void DroppedConnection(ILogger logger, string method, string path) => DroppedConnectionMessage(logger, method, path, null);

    internal static void DroppedResponse(ILogger logger, string method, string path, int status) => DroppedResponseMessage(logger, method, path, status, null);

    internal static void UnhandledError(ILogger logger, Exception error, string method, string path) => UnhandledErrorMessage(logger, method, path, error);
}
