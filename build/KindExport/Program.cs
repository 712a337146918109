using System;
using System.IO;
using System.Text;

namespace KustoConnect.Build
{
    /// <summary>Writes the kinds file and the definition file schema into the folder given as the only argument.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            if (args.Length != 1)
            {
                Console.Error.WriteLine("usage: KindExport <output folder>");
                return 2;
            }

            Directory.CreateDirectory(args[0]);
            var template = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "KustoDataConnections.schema.json"));
            WriteIfChanged(Path.Combine(args[0], KindsFileFormat.FileName), KindsFile.Write());
            WriteIfChanged(Path.Combine(args[0], "KustoDataConnections.schema.json"), DefinitionSchema.Write(template));
            return 0;
        }

        /// <summary>Leaves an unchanged file alone, so that what is compiled from it is not compiled again.</summary>
        private static void WriteIfChanged(string path, string text)
        {
            if (!File.Exists(path) || File.ReadAllText(path) != text)
            {
                File.WriteAllText(path, text, new UTF8Encoding(false));
            }
        }
    }
}
