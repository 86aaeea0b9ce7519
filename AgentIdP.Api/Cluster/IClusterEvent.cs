namespace AgentIdP.Api.Cluster;

/// <summary>
/// A change announced to every replica. Each event is a record that names its own <see cref="Type"/>, the
/// discriminator its JSON travels under; renaming a record does not change what replicas already running expect.
/// </summary>
public interface IClusterEvent
{
    static abstract string Type { get; }
}
