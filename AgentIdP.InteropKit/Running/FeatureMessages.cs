using Reqnroll.Formatters.RuntimeSupport;
using Messages = Io.Cucumber.Messages.Types;

namespace AgentIdP.InteropKit.Running;

/// <summary>
/// What Reqnroll's formatters (HTML report, Cucumber messages) need to know about a feature: its source, its
/// Gherkin document and its pickles. Generated code reads them from an embedded ndjson file; the kit hands over
/// what it parsed at run time.
/// </summary>
internal sealed class FeatureMessages(Messages.Source source, Messages.GherkinDocument document, IReadOnlyList<Messages.Pickle> pickles)
    : IFeatureLevelCucumberMessages
{
    public bool HasMessages => true;
    public Messages.Source Source => source;
    public Messages.GherkinDocument GherkinDocument => document;
    public IEnumerable<Messages.Pickle> Pickles => pickles;
}
