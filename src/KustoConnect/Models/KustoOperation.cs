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

        /// <summary>The command that waits for this operation, in this session or another one.</summary>
        public string? ResumeCommand =>
            string.IsNullOrEmpty(OperationUrl) ? null : KustoWaitInterruptedException.BuildResumeCommand(OperationUrl!, string.Equals(Kind, "Delete", StringComparison.OrdinalIgnoreCase) ? null : ResourceId);

        /// <inheritdoc />
        public override string ToString() => Kind + " " + (Name ?? ResourceId);
    }

    /// <summary>
    /// Lets Wait-KustoOperation take a KustoOperation that lost its type on the way: Export-Clixml / Import-Clixml, or a
    /// job's output received in another process ("Deserialized.KustoConnect.Models.KustoOperation"). Only its Kind,
    /// Name, ResourceId, OperationUrl, StartedAt and ProvisioningState are read.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    public sealed class KustoOperationTransformationAttribute : System.Management.Automation.ArgumentTransformationAttribute
    {
        /// <inheritdoc />
        public override object Transform(System.Management.Automation.EngineIntrinsics engineIntrinsics, object inputData)
        {
            if (!(inputData is System.Management.Automation.PSObject wrapped) || wrapped.BaseObject is KustoOperation)
            {
                return inputData is System.Management.Automation.PSObject p && p.BaseObject is KustoOperation op ? op : inputData;
            }

            string? Text(string name) => wrapped.Properties[name]?.Value?.ToString();
            var kind = Text(nameof(KustoOperation.Kind));
            var resourceId = Text(nameof(KustoOperation.ResourceId));
            if (kind == null || resourceId == null)
            {
                return inputData;
            }

            var operation = new KustoOperation
            {
                Kind = kind,
                Name = Text(nameof(KustoOperation.Name)),
                ResourceId = resourceId,
                OperationUrl = Text(nameof(KustoOperation.OperationUrl)),
                ProvisioningState = Text(nameof(KustoOperation.ProvisioningState)),
            };
            var started = wrapped.Properties[nameof(KustoOperation.StartedAt)]?.Value;
            if (started is System.Management.Automation.PSObject startedObject)
            {
                started = startedObject.BaseObject;
            }

            if (started is DateTimeOffset offset)
            {
                operation.StartedAt = offset;
            }
            else if (started is DateTime date)
            {
                operation.StartedAt = new DateTimeOffset(date.ToUniversalTime());
            }

            return operation;
        }
    }
}
