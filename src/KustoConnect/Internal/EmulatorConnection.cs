using System;
using System.Diagnostics;
using System.IO;
using System.Management.Automation;
using System.Security;
using System.Text.Json;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>A failure to start, find or connect to the emulator, with the stable id and category of its ErrorRecord.</summary>
    internal sealed class EmulatorException : Exception
    {
        public EmulatorException(string errorId, ErrorCategory category, string message, Exception? innerException = null)
            : base(message, innerException)
        {
            ErrorId = errorId;
            Category = category;
        }

        public string ErrorId { get; }

        public ErrorCategory Category { get; }

        public ErrorRecord ToErrorRecord(object? target) => new ErrorRecord(this, ErrorId, Category, target);
    }

    /// <summary>
    /// Where a running emulator is and whom to sign in as: the JSON of its ready line, which it also writes to
    /// &lt;data-dir&gt;/emulator.json. It names the sign-in principal by client id only; the secret stays in the world file
    /// the emulator was seeded from (the user's own file, or the default world shipped with the module) and is read from
    /// there only when signing in, so no secret is ever written to a file the user did not ask for.
    /// </summary>
    internal sealed class EmulatorConnection
    {
        /// <summary>The connection file the emulator writes into its data directory when it is ready.</summary>
        public const string FileName = "emulator.json";

        private static readonly JsonDocumentOptions Lenient = new JsonDocumentOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
        };

        private EmulatorConnection(Uri url, string certificatePath, string dataDirectory, string tenantId, string subscriptionId)
        {
            Url = url;
            CertificatePath = certificatePath;
            DataDirectory = dataDirectory;
            TenantId = tenantId;
            SubscriptionId = subscriptionId;
        }

        /// <summary>https://127.0.0.1:{port}/: Azure Resource Manager and the Entra ID authority host.</summary>
        public Uri Url { get; }

        /// <summary>The PEM file of the emulator's certificate, the only one trusted when talking to it.</summary>
        public string CertificatePath { get; }

        public string DataDirectory { get; }

        public string TenantId { get; }

        public string SubscriptionId { get; }

        /// <summary>The client id of the principal to sign in as; null when the world has no Contributor with a secret.</summary>
        public string? ClientId { get; private set; }

        /// <summary>The world file the emulator's world was seeded from; holds the principal's secret.</summary>
        public string? WorldFile { get; private set; }

        /// <summary>The emulator's process id.</summary>
        public int? ProcessId { get; private set; }

        /// <summary>Parses the ready line's JSON or the connection file; <paramref name="source"/> names it in errors.</summary>
        public static EmulatorConnection Parse(string json, string source)
        {
            try
            {
                using var document = JsonDocument.Parse(json, Lenient);
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid(source, "it is not a JSON object");
                }

                var url = Required(root, "url", source);
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
                {
                    throw Invalid(source, "'url' is not an https URL");
                }

                return new EmulatorConnection(
                    uri,
                    Required(root, "certificatePath", source),
                    Required(root, "dataDirectory", source),
                    Required(root, "tenantId", source),
                    Required(root, "subscriptionId", source))
                {
                    ClientId = Optional(root, "clientId"),
                    WorldFile = Optional(root, "worldFile"),
                    ProcessId = root.TryGetProperty("processId", out var pid) && pid.ValueKind == JsonValueKind.Number && pid.TryGetInt32(out var id) ? id : (int?)null,
                };
            }
            catch (JsonException e)
            {
                throw Invalid(source, "it is not valid JSON (" + e.Message + ")", e);
            }
        }

        /// <summary>
        /// Reads &lt;dataDirectory&gt;/emulator.json and checks that the emulator that wrote it is still running.
        /// </summary>
        public static EmulatorConnection ReadFile(string dataDirectory)
        {
            var path = Path.Combine(dataDirectory, FileName);
            if (!File.Exists(path))
            {
                throw new EmulatorException(
                    "EmulatorConnectionFileNotFound", ErrorCategory.ObjectNotFound,
                    $"'{path}' does not exist: no emulator is running on the data folder '{dataDirectory}'. Start one with Start-KustoEmulator -DataDirectory.");
            }

            string json;
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new EmulatorException("EmulatorConnectionFileUnreadable", ErrorCategory.ReadError, $"Could not read '{path}': {e.Message}", e);
            }

            var connection = Parse(json, path);
            if (connection.ProcessId is int processId && !IsRunning(processId))
            {
                throw new EmulatorException(
                    "EmulatorNotRunning", ErrorCategory.ResourceUnavailable,
                    $"The emulator that wrote '{path}' (process {processId}) is no longer running. Start it again with Start-KustoEmulator -DataDirectory '{dataDirectory}'.");
            }

            return connection;
        }

        /// <summary>
        /// The options that sign in as the emulator's principal with exactly its certificate trusted. The secret is read from
        /// the world file now and lives only in the returned options (a SecureString).
        /// </summary>
        public ConnectionOptions CreateConnectionOptions(string? subscriptionId)
        {
            if (string.IsNullOrEmpty(ClientId))
            {
                throw new EmulatorException(
                    "EmulatorPrincipalNotFound", ErrorCategory.ObjectNotFound,
                    $"The emulator at {Url} has no service principal with a client secret and the Contributor or Owner role in its world. "
                    + "Add one to the world file, or sign in with Connect-KustoAccount -ServicePrincipal -ArmEndpoint "
                    + $"{Url} -AuthorityHost {Url} -TrustedCertificatePath '{CertificatePath}'.");
            }

            return new ConnectionOptions
            {
                CredentialKind = CredentialKind.ServicePrincipalSecret,
                TenantId = TenantId,
                ClientId = ClientId,
                ClientSecret = ReadClientSecret(),
                SubscriptionId = string.IsNullOrEmpty(subscriptionId) ? SubscriptionId : subscriptionId,
                ArmEndpoint = Url,
                AuthorityHost = Url,
                Audience = KustoCloud.AzureCloud.Audience,
                TrustedCertificatePath = CertificatePath,
                EnvironmentName = "Emulator",
            };
        }

        private SecureString ReadClientSecret()
        {
            var worldFile = WorldFile;
            if (string.IsNullOrEmpty(worldFile) || !File.Exists(worldFile))
            {
                throw new EmulatorException(
                    "EmulatorWorldFileNotFound", ErrorCategory.ObjectNotFound,
                    $"The world file of the emulator at {Url} ('{worldFile}') no longer exists, so the secret of its principal {ClientId} cannot be read.");
            }

            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(worldFile), Lenient);
                if (Property(document.RootElement, "servicePrincipals") is JsonElement principals && principals.ValueKind == JsonValueKind.Array)
                {
                    foreach (var principal in principals.EnumerateArray())
                    {
                        if (principal.ValueKind == JsonValueKind.Object
                            && string.Equals(StringProperty(principal, "clientId"), ClientId, StringComparison.OrdinalIgnoreCase)
                            && StringProperty(principal, "clientSecret") is string secret && secret.Length > 0)
                        {
                            return ToSecureString(secret);
                        }
                    }
                }
            }
            catch (Exception e) when (e is JsonException || e is IOException || e is UnauthorizedAccessException)
            {
                throw new EmulatorException(
                    "EmulatorWorldFileUnreadable", ErrorCategory.ReadError, $"Could not read the world file '{worldFile}': {e.Message}", e);
            }

            throw new EmulatorException(
                "EmulatorPrincipalNotFound", ErrorCategory.ObjectNotFound,
                $"The world file '{worldFile}' has no client secret for the emulator's principal {ClientId}: it changed after the emulator's data folder was created.");
        }

        private static SecureString ToSecureString(string value)
        {
            var secure = new SecureString();
            foreach (var c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        private static bool IsRunning(int processId)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        private static string Required(JsonElement root, string name, string source) =>
            Optional(root, name) ?? throw Invalid(source, $"it has no '{name}'");

        private static string? Optional(JsonElement root, string name)
        {
            var value = StringProperty(root, name);
            return string.IsNullOrEmpty(value) ? null : value;
        }

        private static string? StringProperty(JsonElement element, string name) =>
            Property(element, name) is JsonElement value && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        /// <summary>A property by name, any casing (the world file is read case-insensitively by the emulator too).</summary>
        private static JsonElement? Property(JsonElement element, string name)
        {
            foreach (var property in element.EnumerateObject())
            {
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    return property.Value;
                }
            }

            return null;
        }

        private static EmulatorException Invalid(string source, string why, Exception? inner = null) =>
            new EmulatorException("EmulatorConnectionInfoInvalid", ErrorCategory.InvalidData, $"The emulator connection information in {source} is unusable: {why}.", inner);
    }
}
