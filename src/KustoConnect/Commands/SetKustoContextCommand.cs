using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes the subscription that the data cmdlets of this session act in when given no -SubscriptionId.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "KustoContext", SupportsShouldProcess = true)]
    [OutputType(typeof(KustoContext))]
    public sealed class SetKustoContextCommand : KustoCmdlet
    {
        /// <summary>The subscription id (GUID).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [Alias("Subscription")]
        [ArgumentCompleter(typeof(SubscriptionIdCompleter))]
        public string? SubscriptionId { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = RequireSession();
            try
            {
                KustoRules.ValidateSubscriptionId(SubscriptionId!);
            }
            catch (KustoException e)
            {
                ThrowTerminatingError(ToErrorRecord(e, SubscriptionId));
                return;
            }

            if (ShouldProcess("KustoConnect context of " + (session.AccountId ?? "this session"), "Select subscription " + SubscriptionId))
            {
                session.SubscriptionId = SubscriptionId;
                WriteVerbose("Data cmdlets now act in subscription " + SubscriptionId + " unless given -SubscriptionId.");
                WriteObject(new KustoContext(session));
            }
        }
    }
}
