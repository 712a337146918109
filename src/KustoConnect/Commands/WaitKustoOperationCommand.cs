using System;
using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits for data connection operations started with -NoWait and writes the resulting data connections.</para>
    /// </summary>
    /// <remarks>
    /// The operation's status URL is polled (reported with Write-Progress) until it ends; then the data connection is read
    /// and written (nothing after a delete). A failed operation is an error, with the same error id as the call that waits.
    /// Only status URLs on the Azure Resource Manager endpoint of the session are followed. Failed polls (HTTP 429 and 5xx,
    /// dropped connections, timeouts) are retried until -Timeout (default 60 minutes) runs out; then the error carries the
    /// command that waits again.
    /// </remarks>
    [Cmdlet(VerbsLifecycle.Wait, "KustoOperation", DefaultParameterSetName = ByOperationSet)]
    [OutputType(typeof(KustoDataConnection), typeof(Job))]
    public sealed class WaitKustoOperationCommand : KustoOperationCmdlet
    {
        /// <summary>Parameter set: operation objects from -NoWait.</summary>
        public const string ByOperationSet = "ByOperation";

        /// <summary>Parameter set: an operation status URL kept from an earlier session.</summary>
        public const string ByOperationUrlSet = "ByOperationUrl";

        /// <summary>
        /// An operation written by New-Kusto*Connection, Update-KustoDataConnection or Remove-KustoDataConnection -NoWait, also
        /// as read back by Import-Clixml or received from a job in another process (its Kind, ResourceId and OperationUrl).
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ByOperationSet)]
        [ValidateNotNull]
        [KustoOperationTransformation]
        public KustoOperation Operation { get; set; } = null!;

        /// <summary>The operation's status URL (a KustoOperation's OperationUrl, the Azure-AsyncOperation header); it must be on the session's ARM endpoint.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByOperationUrlSet)]
        [ValidateNotNullOrEmpty]
        public string OperationUrl { get; set; } = null!;

        /// <summary>The data connection the operation creates or updates: read and written once the operation succeeded. Omit it after a delete.</summary>
        [Parameter(ParameterSetName = ByOperationUrlSet)]
        [ValidateNotNullOrEmpty]
        [Alias("Id")]
        public string? ResourceId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            KustoOperationKind kind;
            DataConnectionRef? target;
            string? operationUrl;
            try
            {
                if (ParameterSetName == ByOperationSet)
                {
                    if (!Enum.TryParse(Operation.Kind, ignoreCase: true, out kind) || !Enum.IsDefined(typeof(KustoOperationKind), kind))
                    {
                        throw new KustoValidationException("InvalidOperationKind", $"The operation's Kind '{Operation.Kind}' is not Create, Update or Delete.", nameof(Operation));
                    }

                    target = DataConnectionRef.Parse(Operation.ResourceId);
                    operationUrl = Operation.OperationUrl;
                }
                else
                {
                    target = ResourceId == null ? null : DataConnectionRef.Parse(ResourceId);
                    kind = target == null ? KustoOperationKind.Delete : KustoOperationKind.Update;
                    operationUrl = OperationUrl;
                }

                if (!string.IsNullOrEmpty(operationUrl))
                {
                    KustoRules.ValidateOperationUrl(operationUrl!, ParameterSetName == ByOperationSet ? nameof(Operation) : nameof(OperationUrl));
                }
            }
            catch (KustoValidationException e)
            {
                WriteEngineError(e, (object?)Operation ?? OperationUrl);
                return;
            }

            Submit(target?.ResourceId ?? operationUrl, async (item, token) =>
            {
                var result = await session.DataConnections.WaitForOperationAsync(kind, target, operationUrl, item, token).ConfigureAwait(false);
                return result == null ? null : KustoDataConnection.From(result);
            });
        }
    }
}
