using System;
using System.Collections.Generic;
using System.Linq;
using KustoConnect.Engine;

namespace KustoConnect.Internal
{
    /// <summary>
    /// Builds data connection models from cmdlet parameters, so that every cmdlet taking the same parameters
    /// (New-KustoIotHubConnection and Test-KustoDataConnection) sends the same body.
    /// </summary>
    internal static class DataConnectionModelBuilder
    {
        /// <summary>
        /// An IoT Hub data connection (without location) from New-KustoIotHubConnection's parameters, applying the
        /// client-side rules (throws <see cref="KustoValidationException"/>). Each event system property name KustoConnect
        /// does not know is passed to <c>warn</c>.
        /// </summary>
        internal static IotHubDataConnection IotHub(
            string iotHubResourceId,
            string? sharedAccessPolicyName,
            string consumerGroup,
            string? tableName,
            string? mappingRuleName,
            string? dataFormat,
            string[]? eventSystemProperties,
            string? databaseRouting,
            DateTime? retrievalStartDate,
            Action<string> warn) => new IotHubDataConnection
            {
                IotHubIdentity = ResourceIds.Parse(iotHubResourceId, ResourceIds.IotHub),
                SharedAccessPolicyName = sharedAccessPolicyName,
                ConsumerGroup = consumerGroup,
                TableName = tableName,
                MappingRuleName = mappingRuleName,
                DataFormat = dataFormat == null ? null : KustoRules.NormalizeDataFormat(dataFormat, DataConnectionKind.IotHub),
                DatabaseRouting = databaseRouting == null ? null : KustoRules.NormalizeDatabaseRouting(databaseRouting),
                RetrievalStartDate = ToInstant(retrievalStartDate),
                EventSystemProperties = NormalizeEventSystemProperties(eventSystemProperties, DataConnectionKind.IotHub, warn),
            };

        /// <summary>A date the user typed (local or UTC) as the instant it means.</summary>
        internal static DateTimeOffset? ToInstant(DateTime? value) =>
            value.HasValue ? new DateTimeOffset(value.Value.ToUniversalTime()) : (DateTimeOffset?)null;

        /// <summary>
        /// Event system property names in their documented spelling, blanks dropped; an unknown name is kept as given,
        /// with a warning (the service's list grows).
        /// </summary>
        internal static List<string> NormalizeEventSystemProperties(string[]? names, DataConnectionKind kind, Action<string> warn)
        {
            if (warn == null)
            {
                throw new ArgumentNullException(nameof(warn));
            }

            var documented = kind == DataConnectionKind.IotHub ? KustoRules.IotHubEventSystemProperties : KustoRules.EventHubEventSystemProperties;
            var result = new List<string>();
            foreach (var name in names ?? Array.Empty<string>())
            {
                if (string.IsNullOrWhiteSpace(name))
                {
                    continue;
                }

                var known = documented.FirstOrDefault(p => string.Equals(p, name, StringComparison.OrdinalIgnoreCase));
                if (known == null)
                {
                    warn($"'{name}' is not an {(kind == DataConnectionKind.IotHub ? "IoT Hub" : "Event Hub")} event system property KustoConnect knows ({string.Join(", ", documented)}). It is sent as given; the service decides.");
                }

                result.Add(known ?? name);
            }

            return result;
        }
    }
}
