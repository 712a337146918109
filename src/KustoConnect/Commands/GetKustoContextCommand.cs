using System.Management.Automation;
using KustoConnect.Internal;
using KustoConnect.Models;

namespace KustoConnect.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows who this session is signed in as, and where. Never a secret or a token.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "KustoContext")]
    [OutputType(typeof(KustoContext))]
    public sealed class GetKustoContextCommand : KustoCmdlet
    {
        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var session = SessionStore.Current;
            if (session != null)
            {
                WriteObject(new KustoContext(session));
            }
        }
    }
}
