namespace KustoConnect.Internal
{
    /// <summary>What makes an information record a Write-Host message.</summary>
    internal static class HostMessages
    {
        /// <summary>The tags Write-Host gives its records: the host shows them even when other streams are silenced.</summary>
        internal static readonly string[] Tags = { "PSHOST" };
    }
}
