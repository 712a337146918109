namespace KustoConnect.Engine
{
    /// <summary>ARM's answer to checkNameAvailability for a data connection name.</summary>
    public sealed class NameAvailability
    {
        /// <summary>Creates the answer.</summary>
        public NameAvailability(string name, bool nameAvailable, string? reason, string? message)
        {
            Name = name;
            NameAvailable = nameAvailable;
            Reason = reason;
            Message = message;
        }

        /// <summary>The name that was checked.</summary>
        public string Name { get; }

        /// <summary>True when a data connection of that name can be created in the database.</summary>
        public bool NameAvailable { get; }

        /// <summary>Why the name is not available: "Invalid" or "AlreadyExists"; null when it is.</summary>
        public string? Reason { get; }

        /// <summary>The service's explanation; null or empty when the name is available.</summary>
        public string? Message { get; }
    }
}
