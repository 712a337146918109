using System;
using KustoConnect.Engine;

namespace KustoConnect.Models
{
    /// <summary>
    /// A long-running operation that -NoWait started and that may still be running. Pipe it to Wait-KustoOperation, or keep
    /// its OperationUrl and ResourceId to wait in a later session (neither carries a secret or token).
    /// </summary>
    public sealed class KustoOperation
    {
        /// <summary>Create, Update or Delete.</summary>
        public string Kind { get; set; } = string.Empty;

        /// <summary>The short name of the data connection.</summary>
        public string? Name { get; set; }

        /// <summary>The data connection's resource id.</summary>
        public string ResourceId { get; set; } = string.Empty;

        /// <summary>The Azure-AsyncOperation URL that reports the operation's status; empty when it finished at once.</summary>
        public string? OperationUrl { get; set; }

        /// <summary>When the request was sent (UTC).</summary>
        public DateTimeOffset StartedAt { get; set; }

        /// <summary>The provisioning state the service answered with: Creating, Accepted or Deleting.</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>The data connection as the service accepted it (null for a delete).</summary>
        public KustoDataConnection? DataConnection { get; set; }

        /// <summary>The output object of an engine operation.</summary>
        internal static KustoOperation From(StartedOperation operation)
        {
            if (operation == null)
            {
                throw new ArgumentNullException(nameof(operation));
            }

            return new KustoOperation
            {
                Kind = operation.Kind.ToString(),
                Name = DataConnectionRef.Parse(operation.ResourceId).Name,
                ResourceId = operation.ResourceId,
                OperationUrl = operation.OperationUrl,
                StartedAt = operation.StartedAt,
                ProvisioningState = operation.ProvisioningState,
                DataConnection = operation.Accepted == null ? null : KustoDataConnection.From(operation.Accepted),
            };
        }

        /// <inheritdoc />
        public override string ToString() => Kind + " " + (Name ?? ResourceId);
    }
}
