using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using KustoConnect.Engine;

namespace KustoConnect.Build
{
    /// <summary>The kinds' descriptions as the source generator (build/KindMembers) reads them (see <see cref="KindsFileFormat"/>).</summary>
    public static class KindsFile
    {
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
                    var fields = new string[KindsFileFormat.FieldCount];
                    fields[(int)KindsFileFormat.Field.Kind] = kind.Kind;
                    fields[(int)KindsFileFormat.Field.KindDisplayName] = kind.DisplayName;
                    fields[(int)KindsFileFormat.Field.Name] = property.Name;
                    fields[(int)KindsFileFormat.Field.JsonName] = property.JsonName;
                    fields[(int)KindsFileFormat.Field.ParameterName] = property.ParameterName;
                    fields[(int)KindsFileFormat.Field.Type] = property.Type.ToString();
                    fields[(int)KindsFileFormat.Field.Flags] = Flags(property);
                    fields[(int)KindsFileFormat.Field.Values] = string.Join(KindsFileFormat.ListSeparator, property.CompletionValues);
                    fields[(int)KindsFileFormat.Field.Aliases] = string.Join(KindsFileFormat.ListSeparator, property.Aliases);
                    fields[(int)KindsFileFormat.Field.Default] = property.DefaultValue ?? string.Empty;
                    fields[(int)KindsFileFormat.Field.Help] = property.Help;
                    if (fields.Any(f => f.AsSpan().IndexOfAny(LineBreaksAndTabs) >= 0) || property.CompletionValues.Concat(property.Aliases).Any(v => v.Contains(KindsFileFormat.ListSeparator, StringComparison.Ordinal)))
                    {
                        throw new InvalidOperationException(string.Format(CultureInfo.InvariantCulture, "{0}.{1}: a field holds a tab or a line break, or a value holds '|'.", kind.Kind, property.Name));
                    }

                    text.Append(string.Join(KindsFileFormat.FieldSeparator, fields)).Append('\n');
                }
            }

            return text.ToString();
        }

        private static string Flags(DataConnectionProperty property)
        {
            var flags = new List<char>();
            if (property.Required)
            {
                flags.Add(KindsFileFormat.Required);
            }

            if (property.Clearable)
            {
                flags.Add(KindsFileFormat.Clearable);
            }

            if (property.ReadOnly)
            {
                flags.Add(KindsFileFormat.ReadOnly);
            }

            if (property.IsEnumeration)
            {
                flags.Add(KindsFileFormat.Enumeration);
            }

            return new string(flags.ToArray());
        }
    }
}
