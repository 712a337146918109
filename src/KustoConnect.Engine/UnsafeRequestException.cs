namespace KustoConnect.Engine
{
    /// <summary>
    /// The engine refused to send a request whose URL would not reach exactly the resource the call is for (a dot
    /// segment, an encoded separator, a path that changes when sent, or another resource). Nothing was sent. This is a
    /// defence behind the client-side rules: seeing it means a value slipped past them, and the call must stop.
    /// </summary>
    public sealed class KustoUnsafeRequestException : KustoException
    {
        /// <summary>Creates the refusal.</summary>
        public KustoUnsafeRequestException(string message, string method, string path)
            : base("UnsafeRequestPath", message)
        {
            Method = method;
            Path = path;
        }

        /// <summary>The HTTP method of the refused request.</summary>
        public string Method { get; }

        /// <summary>The (decoded) path of the refused request.</summary>
        public string Path { get; }
    }
}
