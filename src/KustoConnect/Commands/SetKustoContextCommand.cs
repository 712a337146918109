using System.Management.Automation;
using KustoConnect.Engine;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes the subscription that the data cmdlets of this session act in when given no -SubscriptionId.</para>
    /// </summary>
    /// <remarks>Azure is asked first whether the subscription exists and the account can see it (unless -SkipValidation).</remarks>
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

        /// <summary>Select the subscription without asking Azure first whether it exists and the account can see it.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

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

            if (!SkipValidation.IsPresent)
            {
                try
                {
                    // The resource groups of the subscription: ARM answers 404 SubscriptionNotFound when it does not exist
                    // or the account cannot see it.
                    var subscription = SubscriptionId!;
                    RunEngine((observer, token) => session.Resources.ListResourceGroupNamesAsync(subscription, token));
                }
                catch (KustoArmException e) when (e.StatusCode == 404 || e.StatusCode == 403)
                {
                    var record = new ErrorRecord(
                        new System.InvalidOperationException(
                            "The subscription '" + SubscriptionId + "' does not exist or " + (session.AccountId ?? "the account") + " cannot see it: " + e.ArmMessage
                            + " (pass -SkipValidation to select it anyway).",
                            e),
                        "SubscriptionNotFound",
                        ErrorCategory.ObjectNotFound,
                        SubscriptionId);
                    record.ErrorDetails = new ErrorDetails(record.Exception.Message);
                    ThrowTerminatingError(record);
                    return;
                }
                catch (KustoException e)
                {
                    ThrowTerminatingError(ToErrorRecord(e, SubscriptionId));
                    return;
                }
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
