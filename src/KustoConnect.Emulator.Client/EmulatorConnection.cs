using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.Serialization;
using System.Runtime.Serialization.Json;
using System.Text;

namespace KustoConnect.Emulator.Client
{
    /// <summary>
    /// Where a running emulator is: the JSON of its ready line, which it also writes to &lt;data-dir&gt;/emulator.json.
    /// It holds no secret; <see cref="EmulatorCredentials.GetAsync"/> asks the emulator itself whom to sign in as.
    /// </summary>
    public sealed class EmulatorConnection
    {
        /// <summary>The connection file the emulator writes into its data directory when it is ready.</summary>
        public const string FileName = "emulator.json";

        private EmulatorConnection(Uri url, string certificatePath, string? thumbprint, string dataDirectory, string tenantId, string subscriptionId, string? clientId, int? processId)
        {
            Url = url;
            CertificatePath = certificatePath;
            Thumbprint = thumbprint;
            DataDirectory = dataDirectory;
            TenantId = tenantId;
            SubscriptionId = subscriptionId;
            ClientId = clientId;
            ProcessId = processId;
        }

        /// <summary>https://127.0.0.1:{port}/: Azure Resource Manager and the Entra ID authority host.</summary>
        public Uri Url { get; }

        /// <summary>The PEM file of the emulator's certificate, the only one trusted when talking to it.</summary>
        public string CertificatePath { get; }

        /// <summary>The SHA-1 thumbprint of the emulator's certificate, when the emulator reported it.</summary>
        public string? Thumbprint { get; }

        /// <summary>The emulator's data folder.</summary>
        public string DataDirectory { get; }

        /// <summary>The tenant of the emulator's world.</summary>
        public string TenantId { get; }

        /// <summary>The subscription of the emulator's world.</summary>
        public string SubscriptionId { get; }

        /// <summary>The client id of the default sign-in principal; null when the world has none.</summary>
        public string? ClientId { get; }

        /// <summary>The emulator's process id.</summary>
        public int? ProcessId { get; }

        /// <summary>Parses the ready line's JSON or the connection file; <paramref name="source"/> names it in errors.</summary>
        /// <param name="json">The JSON object.</param>
        /// <param name="source">Where it came from, for error messages.</param>
        /// <returns>The connection.</returns>
        public static EmulatorConnection Parse(string json, string source)
        {
            if (json is null)
            {
                throw new ArgumentNullException(nameof(json));
            }

            ConnectionDocument? document;
            try
            {
                document = Json.Read<ConnectionDocument>(json);
            }
            catch (Exception e) when (e is SerializationException || e is FormatException || e is InvalidCastException)
            {
                throw Invalid(source, "it is not a valid JSON object (" + e.Message + ")", e);
            }

            if (document is null)
            {
                throw Invalid(source, "it is not a JSON object");
            }

            if (string.IsNullOrEmpty(document.Url) || !Uri.TryCreate(document.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
            {
                throw Invalid(source, "'url' is not an https URL");
            }

            return new EmulatorConnection(
                url,
                Required(document.CertificatePath, "certificatePath", source),
                Empty(document.Thumbprint),
                Required(document.DataDirectory, "dataDirectory", source),
                Required(document.TenantId, "tenantId", source),
                Required(document.SubscriptionId, "subscriptionId", source),
                Empty(document.ClientId),
                document.ProcessId);
        }

        /// <summary>Reads &lt;dataDirectory&gt;/emulator.json and checks that the emulator that wrote it is still running.</summary>
        /// <param name="dataDirectory">The emulator's data folder.</param>
        /// <returns>The connection.</returns>
        public static EmulatorConnection ReadFile(string dataDirectory)
        {
            var path = Path.Combine(dataDirectory, FileName);
            if (!File.Exists(path))
            {
                throw new EmulatorClientException(
                    "EmulatorConnectionFileNotFound",
                    $"'{path}' does not exist: no emulator is running on the data folder '{dataDirectory}'. Start one with Start-KustoEmulator -DataDirectory.");
            }

            string json;
            try
            {
                json = File.ReadAllText(path, Encoding.UTF8);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                throw new EmulatorClientException("EmulatorConnectionFileUnreadable", $"Could not read '{path}': {e.Message}", e);
            }

            var connection = Parse(json, path);
            if (connection.ProcessId is int processId && !IsRunning(processId))
            {
                throw new EmulatorClientException(
                    "EmulatorNotRunning",
                    $"The emulator that wrote '{path}' (process {processId}) is no longer running. Start it again with Start-KustoEmulator -DataDirectory '{dataDirectory}'.");
            }

            return connection;
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

        private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;

        private static string Required(string? value, string name, string source) =>
            string.IsNullOrEmpty(value) ? throw Invalid(source, $"it has no '{name}'") : value!;

        private static EmulatorClientException Invalid(string source, string why, Exception? inner = null) =>
            new EmulatorClientException("EmulatorConnectionInfoInvalid", $"The emulator connection information in {source} is unusable: {why}.", inner);

        [DataContract]
        private sealed class ConnectionDocument
        {
            [DataMember(Name = "url")]
            public string? Url { get; set; }

            [DataMember(Name = "certificatePath")]
            public string? CertificatePath { get; set; }

            [DataMember(Name = "thumbprint")]
            public string? Thumbprint { get; set; }

            [DataMember(Name = "dataDirectory")]
            public string? DataDirectory { get; set; }

            [DataMember(Name = "tenantId")]
            public string? TenantId { get; set; }

            [DataMember(Name = "subscriptionId")]
            public string? SubscriptionId { get; set; }

            [DataMember(Name = "clientId")]
            public string? ClientId { get; set; }

            [DataMember(Name = "processId")]
            public int? ProcessId { get; set; }
        }
    }

    /// <summary>The BCL's JSON reader (DataContractJsonSerializer), so this library needs no package.</summary>
    internal static class Json
    {
        public static T? Read<T>(string json)
            where T : class
        {
            var serializer = new DataContractJsonSerializer(typeof(T));
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
            return serializer.ReadObject(stream) as T;
        }
    }
}
