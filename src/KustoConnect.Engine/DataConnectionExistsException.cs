using System;
namespace KustoConnect.Engine
{
    /// <summary>A create (<see cref="IDataConnectionOperations.CreateAsync"/>) refuses to overwrite a data connection that already exists.</summary>
    [Serializable]
    public sealed class DataConnectionExistsException : InvalidOperationException
    {
        internal DataConnectionExistsException(DataConnectionRef target)
            : base($"The data connection '{target.Name}' already exists in {target.Database.ClusterName}/{target.Database.DatabaseName}. Use Update-KustoDataConnection to change it, or Remove-KustoDataConnection first.")
        {
            ResourceId = target.ResourceId;
        }

        /// <summary>The existing data connection.</summary>
        public string ResourceId { get; }
    }
}
