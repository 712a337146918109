using System.Management.Automation;
using KustoConnect.Internal;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Signs this session out: forgets the credential and its cached tokens.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "KustoAccount")]
    [OutputType(typeof(void))]
    public sealed class DisconnectKustoAccountCommand : KustoCmdlet
    {
        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (SessionStore.Current == null)
            {
                WriteVerbose("This session is not signed in.");
                return;
            }

            SessionStore.Set(null);
            WriteVerbose("Signed out.");
        }
    }
}
