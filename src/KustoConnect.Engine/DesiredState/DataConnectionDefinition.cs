using System;
using System.Collections.Generic;
using System.Linq;

namespace KustoConnect.Engine.DesiredState
{
    /// <summary>
    /// One entry of a definition file: where the data connection is, its kind and location, and the properties the file
    /// manages. A property the entry leaves out is not managed (left as the service has it); a property the entry sets
    /// to null must be unset (only the clearable ones: table, mapping, data format, event system properties).
    /// </summary>
    public sealed class DataConnectionDefinition
    {
        /// <summary>One checked entry.</summary>
        /// <param name="index">Its position in the file (0-based).</param>
        /// <param name="target">The data connection it describes.</param>
        /// <param name="kind">Its kind (IotHub, EventHub, EventGrid, CosmosDb).</param>
        /// <param name="location">Its location, when the file gives one.</param>
        /// <param name="properties">The properties the entry manages (null: unset).</param>
        public DataConnectionDefinition(int index, DataConnectionRef target, string kind, string? location, IReadOnlyDictionary<string, object?> properties)
        {
            Index = index;
            Target = target ?? throw new ArgumentNullException(nameof(target));
            Kind = kind ?? throw new ArgumentNullException(nameof(kind));
            Location = location;
            Properties = properties ?? throw new ArgumentNullException(nameof(properties));
        }

        /// <summary>The entry's position in the file's dataConnections array (0-based).</summary>
        public int Index { get; }

        /// <summary>Where the data connection is (subscription, resource group, cluster, database, name).</summary>
        public DataConnectionRef Target { get; }

        /// <summary>The kind in the service's spelling (IotHub, EventHub, EventGrid, CosmosDb).</summary>
        public string Kind { get; }

        /// <summary>The location a create uses; null to use the cluster's.</summary>
        public string? Location { get; }

        /// <summary>
        /// The managed properties by <see cref="DataConnectionProperty.Name"/>, each already checked and normalized by the
        /// client-side rules: a string, a string[], a bool or a DateTimeOffset; null = must be unset.
        /// </summary>
        public IReadOnlyDictionary<string, object?> Properties { get; }

        /// <summary>A model of the kind with every managed property that has a value (what a create sends).</summary>
        public DataConnection ToModel(string? location)
        {
            var model = DataConnectionProperties.NewModel(Kind)!;
            model.Location = location;
            foreach (var property in DataConnectionProperties.Of(Kind))
            {
                if (Properties.TryGetValue(property.Name, out var value) && !DataConnectionProperty.IsUnset(value))
                {
                    property.SetValue(model, value);
                }
            }

            foreach (var list in DataConnectionProperties.Of(Kind).Where(p => p.Type == DataConnectionPropertyType.StringList && p.GetValue(model) == null))
            {
                list.SetValue(model, Array.Empty<string>());
            }

            return model;
        }

        /// <inheritdoc />
        public override string ToString() => "dataConnections[" + Index + "] '" + Target.Name + "'";
    }

    /// <summary>The whole definition file, checked: every entry passed every client-side rule.</summary>
    public sealed class DataConnectionDefinitionSet
    {
        /// <summary>The file's entries, every one checked.</summary>
        /// <param name="entries">The entries in file order.</param>
        public DataConnectionDefinitionSet(IReadOnlyList<DataConnectionDefinition> entries)
        {
            Entries = entries ?? throw new ArgumentNullException(nameof(entries));
        }

        /// <summary>The entries in file order.</summary>
        public IReadOnlyList<DataConnectionDefinition> Entries { get; }

        /// <summary>The databases the file names (each once), in the order they first appear.</summary>
        public IReadOnlyList<DatabaseRef> Databases =>
            Entries.Select(e => e.Target.Database).GroupBy(d => d.ResourceId, StringComparer.OrdinalIgnoreCase).Select(g => g.First()).ToList();
    }

    /// <summary>A definition file that breaks rules: every problem of every entry, found before any request.</summary>
    public sealed class DefinitionFileException : KustoException
    {
        /// <summary>A file with these problems (the message lists each).</summary>
        /// <param name="problems">Every problem found, in file order.</param>
        public DefinitionFileException(IReadOnlyList<DefinitionProblem> problems)
            : base("InvalidDefinitionFile", "The definition file has " + problems.Count + " problem(s):" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  " + p)))
        {
            Problems = problems;
        }

        /// <summary>Each problem, in file order.</summary>
        public IReadOnlyList<DefinitionProblem> Problems { get; }
    }

    /// <summary>One broken rule of a definition file.</summary>
    public sealed class DefinitionProblem
    {
        /// <summary>One broken rule.</summary>
        /// <param name="index">The entry's position, or null for the whole file.</param>
        /// <param name="name">The entry's name, when it has one.</param>
        /// <param name="errorId">The rule's stable id.</param>
        /// <param name="message">What is wrong and how to fix it.</param>
        /// <param name="property">The offending field, when there is one.</param>
        public DefinitionProblem(int? index, string? name, string errorId, string message, string? property)
        {
            Index = index;
            Name = name;
            ErrorId = errorId;
            Message = message;
            Property = property;
        }

        /// <summary>The entry's position (0-based), or null for a problem of the whole file.</summary>
        public int? Index { get; }

        /// <summary>The entry's name when it has one.</summary>
        public string? Name { get; }

        /// <summary>The rule's stable id, e.g. InvalidDataFormat (the same ids the cmdlets use).</summary>
        public string ErrorId { get; }

        /// <summary>What is wrong and how to fix it (the rule's own message).</summary>
        public string Message { get; }

        /// <summary>The offending field, e.g. "dataFormat" or "clusterName".</summary>
        public string? Property { get; }

        /// <inheritdoc />
        public override string ToString() =>
            (Index == null ? "file" : "dataConnections[" + Index + "]" + (Name == null ? string.Empty : " '" + Name + "'")) + ": " + Message + " (" + ErrorId + ")";
    }
}
