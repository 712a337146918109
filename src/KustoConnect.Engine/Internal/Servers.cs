using System;

namespace KustoConnect.Engine.Internal
{
    /// <summary>The one comparison of where a URL goes: before a token follows a URL, it must be on the expected server.</summary>
    internal static class Servers
    {
        /// <summary>Whether both URLs have the same scheme, host and port (host compared without case).</summary>
        internal static bool Same(Uri uri, Uri other) =>
            Uri.Compare(uri, other, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;
    }
}
