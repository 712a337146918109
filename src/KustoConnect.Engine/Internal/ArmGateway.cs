using System;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KustoConnect.Engine.Internal
{
    /// <summary>Gives the engine the ArmClient's own pipeline for requests GenericResource does not cover (list).</summary>
    internal sealed class ArmGateway : Azure.ResourceManager.ArmResource
    {
        internal ArmGateway(Azure.ResourceManager.ArmClient client)
            : base(client, ResourceIdentifier.Root)
        {
        }

        internal HttpPipeline HttpPipeline => Pipeline;

        internal Uri ArmEndpoint => Endpoint;
    }
}
