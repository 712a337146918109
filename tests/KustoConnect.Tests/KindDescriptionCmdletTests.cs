using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using KustoConnect.Commands;
using KustoConnect.Engine;
using KustoConnect.Models;
using Xunit;

namespace KustoConnect.Tests
{
    /// <summary>
    /// The cmdlets' side of each kind's description in the engine: every settable property is a parameter of the kind's
    /// New- cmdlet, of Test-KustoDataConnection in the kind's set and of Update-KustoDataConnection, and every property is
    /// on the kind's output type, filled from the model; no cmdlet has a kind parameter the description lacks.
    /// </summary>
    public sealed class KindDescriptionCmdletTests
    {
        private static readonly string[] Placement = { "ResourceGroupName", "ClusterName", "DatabaseName", "Name", "Location", "SubscriptionId" };

        public static IEnumerable<object[]> Kinds() => DataConnectionKinds.All.Select(k => new object[] { k.Kind });

        private static Type NewCommand(string kind) => typeof(NewKustoIotHubConnectionCommand).Assembly.GetType("KustoConnect.Commands.NewKusto" + kind + "ConnectionCommand", throwOnError: true)!;

        private static Type OutputType(string kind) => typeof(KustoDataConnection).Assembly.GetType("KustoConnect.Models.Kusto" + kind + "DataConnection", throwOnError: true)!;

        private static IEnumerable<(PropertyInfo Property, ParameterAttribute Attribute)> Parameters(Type command) =>
            command.GetProperties().SelectMany(p => p.GetCustomAttributes<ParameterAttribute>().Select(a => (p, a)));

        private static Type ParameterType(DataConnectionPropertyType type) => type switch
        {
            DataConnectionPropertyType.StringList => typeof(string[]),
            DataConnectionPropertyType.Boolean => typeof(SwitchParameter),
            DataConnectionPropertyType.DateTime => typeof(DateTime?),
            _ => typeof(string),
        };

        private static Type OutputPropertyType(DataConnectionPropertyType type) => type switch
        {
            DataConnectionPropertyType.StringList => typeof(string[]),
            DataConnectionPropertyType.Boolean => typeof(bool?),
            DataConnectionPropertyType.DateTime => typeof(DateTimeOffset?),
            _ => typeof(string),
        };

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Every_settable_property_is_a_parameter_of_New_Test_in_the_kind_s_set_and_Update(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var create = Parameters(NewCommand(kind)).ToList();
            var test = Parameters(typeof(TestKustoDataConnectionCommand)).Where(p => p.Attribute.ParameterSetName == kind).ToList();
            var update = Parameters(typeof(UpdateKustoDataConnectionCommand)).ToList();

            foreach (var property in description.Settable)
            {
                foreach (var (cmdlet, parameters) in new[] { ("New-Kusto" + kind + "Connection", create), ("Test-KustoDataConnection -" + kind, test), ("Update-KustoDataConnection", update) })
                {
                    var parameter = parameters.FirstOrDefault(p => p.Property.Name == property.ParameterName).Property;
                    Assert.True(parameter != null, cmdlet + " has no -" + property.ParameterName);
                    Assert.Equal(ParameterType(property.Type), parameter!.PropertyType);
                }

                var mandatory = create.Where(p => p.Property.Name == property.ParameterName).All(p => p.Attribute.Mandatory);
                var defaulted = property.Name == "ConsumerGroup" || (property.Name == "SharedAccessPolicyName" && kind == "IotHub");
                Assert.True(mandatory == (property.Required && !defaulted), "New-Kusto" + kind + "Connection -" + property.ParameterName + " mandatory");
            }
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void No_cmdlet_has_a_parameter_for_a_property_the_kind_s_description_lacks(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var own = NewCommand(kind).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any())
                .Select(p => p.Name)
                .Where(n => !Placement.Contains(n));
            var test = Parameters(typeof(TestKustoDataConnectionCommand)).Where(p => p.Attribute.ParameterSetName == kind).Select(p => p.Property.Name).Where(n => !Placement.Contains(n));

            Assert.All(own.Concat(test), name => Assert.NotNull(description.Settable.FirstOrDefault(p => p.ParameterName == name)));
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void Each_kind_parameter_takes_its_aliases_values_and_completion_from_the_description(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            foreach (var command in new[] { NewCommand(kind), typeof(TestKustoDataConnectionCommand), typeof(UpdateKustoDataConnectionCommand) })
            {
                foreach (var property in description.Settable)
                {
                    var parameter = command.GetProperty(property.ParameterName)!;
                    var name = command.Name + " -" + property.ParameterName;
                    Assert.Subset(parameter.GetCustomAttributes<AliasAttribute>().SelectMany(a => a.AliasNames).ToHashSet(), property.Aliases.ToHashSet());
                    var set = parameter.GetCustomAttribute<ValidateSetAttribute>();
                    Assert.True(property.IsEnumeration == (set != null), name + " ValidateSet");
                    if (set != null)
                    {
                        Assert.Equal(property.CompletionValues, set.ValidValues);
                        Assert.True(set.IgnoreCase, name + " ignores case");
                    }

                    var completer = parameter.GetCustomAttribute<ArgumentCompleterAttribute>();
                    Assert.True((property.CompletionValues.Count > 0 && !property.IsEnumeration) == (completer?.Type == typeof(KustoConnect.Internal.DataConnectionPropertyCompleter)), name + " completer");
                    // Update- takes '' where any kind can clear the property (the engine refuses it for a kind that cannot).
                    var clearable = property.Type == DataConnectionPropertyType.String && DataConnectionKinds.All.Select(k => k.Find(property.ParameterName)).Any(p => p != null && p.Clearable);
                    Assert.True((command == typeof(UpdateKustoDataConnectionCommand) && clearable) == (parameter.GetCustomAttribute<AllowEmptyStringAttribute>() != null), name + " takes ''");
                }
            }
        }

        [Fact]
        public void The_parameters_declared_by_hand_keep_what_the_description_cannot_say()
        {
            var hub = typeof(NewKustoIotHubConnectionCommand).GetProperty("IotHubResourceId")!;
            Assert.Contains(hub.GetCustomAttributes<ParameterAttribute>(), a => a.ValueFromPipelineByPropertyName && a.Mandatory);
            Assert.Contains("Id", hub.GetCustomAttribute<AliasAttribute>()!.AliasNames);
            Assert.DoesNotContain(typeof(NewKustoIotHubConnectionCommand).GetProperty("SharedAccessPolicyName")!.GetCustomAttributes<ParameterAttribute>(), a => a.Mandatory);
            Assert.Contains(typeof(NewKustoEventHubConnectionCommand).GetProperty("EventHubResourceId")!.GetCustomAttributes<ParameterAttribute>(), a => a.ValueFromPipelineByPropertyName);
            Assert.Equal("$Default", new NewKustoEventGridConnectionCommand().ConsumerGroup);
            Assert.Equal("$Default", new TestKustoDataConnectionCommand().ConsumerGroup);
            Assert.Null(new UpdateKustoDataConnectionCommand().ConsumerGroup);
        }

        [Fact]
        public void Update_has_exactly_the_settable_properties_of_every_kind_besides_how_it_names_the_connection()
        {
            var changes = DataConnectionKinds.All.SelectMany(k => k.Settable).Select(p => p.ParameterName).Distinct().OrderBy(n => n);
            var update = typeof(UpdateKustoDataConnectionCommand).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any())
                .Select(p => p.Name)
                .Where(n => n != "Kind" && n != "NoWait")
                .OrderBy(n => n);

            Assert.Equal(changes, update);
        }

        [Theory]
        [MemberData(nameof(Kinds))]
        public void The_output_type_has_every_property_and_is_filled_from_the_model(string kind)
        {
            var description = DataConnectionKinds.Find(kind)!;
            var model = description.NewModel();
            foreach (var property in description.Properties)
            {
                property.SetValue(model, property.Type switch
                {
                    DataConnectionPropertyType.StringList => new[] { "x-opt-offset" },
                    DataConnectionPropertyType.Boolean => (object)true,
                    DataConnectionPropertyType.DateTime => new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero),
                    _ => property.Name + "-value",
                });
            }

            var output = KustoDataConnection.From(model);

            Assert.IsType(OutputType(kind), output);
            Assert.Equal(kind, output.Kind);
            foreach (var property in description.Properties)
            {
                var target = output.GetType().GetProperty(property.Name);
                Assert.True(target != null, output.GetType().Name + " has no " + property.Name);
                Assert.Equal(OutputPropertyType(property.Type), target!.PropertyType);
                Assert.Equal(property.GetValue(model), target.GetValue(output));
            }

            var empty = KustoDataConnection.From(description.NewModel());
            Assert.All(description.Properties.Where(p => p.Type == DataConnectionPropertyType.StringList), p => Assert.Equal(Array.Empty<string>(), empty.GetType().GetProperty(p.Name)!.GetValue(empty)));
            Assert.All(description.Settable, p => Assert.True(p.AreEqual(p.GetValue(model), p.GetValue(output.ToModel()!)), p.Name));
        }

        [Fact]
        public void Another_kind_is_written_as_KustoOtherDataConnection_with_its_properties_as_sent()
        {
            var output = Assert.IsType<KustoOtherDataConnection>(KustoDataConnection.From(new OtherDataConnection { KindName = "FutureKind", PropertiesJson = "{\"x\":1}" }));

            Assert.Equal("FutureKind", output.Kind);
            Assert.Equal("{\"x\":1}", output.PropertiesJson);
            Assert.Null(output.ToModel());
        }
    }
}
