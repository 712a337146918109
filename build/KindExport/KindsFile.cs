using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using KustoConnect.Engine;

namespace KustoConnect.Build
{
    /// <summary>
    /// The kinds' descriptions as the source generator (build/KindMembers) reads them: a line per property of each kind,
    /// tab-separated: kind, kind display name, name, JSON name, parameter name, type, flags (R required, C clearable,
    /// O read-only, E enumeration), completion values and aliases ('|'-separated), default value, help.
    /// </summary>
    public static class KindsFile
    {
        /// <summary>The file's name; the generator looks for it among the additional files.</summary>
        public const string FileName = "DataConnectionKinds.txt";

        private static readonly System.Buffers.SearchValues<char> LineBreaksAndTabs = System.Buffers.SearchValues.Create("\t\n\r");

        /// <summary>The file's text for the engine's kinds.</summary>
        public static string Write()
        {
            var text = new StringBuilder();
            text.Append("# Written by build/KindExport from the kinds' descriptions in the engine; do not edit.\n");
            foreach (var kind in DataConnectionKinds.All)
            {
                foreach (var property in kind.Properties)
                {
                    var fields = new[]
                    {
                        kind.Kind,
                        kind.DisplayName,
                        property.Name,
                        property.JsonName,
                        property.ParameterName,
                        property.Type.ToString(),
                        Flags(property),
                        string.Join("|", property.CompletionValues),
                        string.Join("|", property.Aliases),
                        property.DefaultValue ?? string.Empty,
                        property.Help,
                    };
                    if (fields.Any(f => f.AsSpan().IndexOfAny(LineBreaksAndTabs) >= 0) || property.CompletionValues.Concat(property.Aliases).Any(v => v.Contains('|', StringComparison.Ordinal)))
                    {
                        throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "{0}.{1}: a field holds a tab or a line break, or a value holds '|'.", kind.Kind, property.Name));
                    }

                    text.Append(string.Join("\t", fields)).Append('\n');
                }
            }

            return text.ToString();
        }

        private static string Flags(DataConnectionProperty property)
        {
            var flags = new List<char>();
            if (property.Required)
            {
                flags.Add('R');
            }

            if (property.Clearable)
            {
                flags.Add('C');
            }

            if (property.ReadOnly)
            {
                flags.Add('O');
            }

            if (property.IsEnumeration)
            {
                flags.Add('E');
            }

            return new string(flags.ToArray());
        }
    }
}
