using System.Collections.Specialized;
using System.Globalization;
using Gherkin.CucumberMessages;
using Gherkin.CucumberMessages.Pickles;
using Messages = Io.Cucumber.Messages.Types;

namespace AgentIdP.InteropKit.Running;

/// <summary>
/// The kit's feature files, parsed at run time with the Gherkin parser Reqnroll ships with (there is no code-behind
/// generator): each scenario becomes a pickle, the unit Reqnroll's runner and formatters work with.
/// </summary>
public sealed class FeatureCatalog
{
    private const string ResourcePrefix = "Features/";

    // Features run in the order of their file names' numbers: discovery and keys first, the rate-limit burst last.
    private static readonly Lazy<FeatureCatalog> Embedded = new(() => Load(typeof(FeatureCatalog).Assembly));

    private FeatureCatalog(IReadOnlyList<KitFeature> features) => Features = features;

    public IReadOnlyList<KitFeature> Features { get; }

    public IEnumerable<KitScenario> Scenarios => Features.SelectMany(f => f.Scenarios);

    /// <summary>The features embedded in the kit, parsed once per process.</summary>
    public static FeatureCatalog Default => Embedded.Value;

    private static FeatureCatalog Load(System.Reflection.Assembly assembly)
    {
        // GUID ids: pickle and AST ids stay unique across features in one Cucumber messages stream.
        var ids = new GuidIdGenerator();
        var features = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".feature", StringComparison.Ordinal))
            .OrderBy(Path.GetFileName, StringComparer.Ordinal)
            .Select(name =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                return Parse(name, reader.ReadToEnd(), ids);
            })
            .ToList();
        return new FeatureCatalog(features);
    }

    public static KitFeature Parse(string uri, string text, IIdGenerator ids)
    {
        var ast = new Gherkin.Parser().Parse(new StringReader(text));
        var document = new AstMessagesConverter(ids).ConvertGherkinDocumentToEventArgs(ast, uri);
        var pickles = new PickleCompiler(ids).Compile(document);
        var feature = document.Feature ?? throw new InvalidDataException($"{uri} holds no feature.");

        var scenarios = new Dictionary<string, (Messages.Scenario Scenario, Messages.Rule? Rule)>();
        var steps = new Dictionary<string, Messages.Step>();
        var rows = new Dictionary<string, (Messages.TableRow Header, Messages.TableRow Row)>();
        void Add(Messages.Background? background, Messages.Scenario? scenario, Messages.Rule? rule)
        {
            foreach (var step in background?.Steps ?? []) steps[step.Id] = step;
            if (scenario is null) return;
            scenarios[scenario.Id] = (scenario, rule);
            foreach (var step in scenario.Steps) steps[step.Id] = step;
            foreach (var examples in scenario.Examples)
            {
                foreach (var row in examples.TableBody) rows[row.Id] = (examples.TableHeader, row);
            }
        }
        foreach (var child in feature.Children)
        {
            Add(child.Background, child.Scenario, null);
            foreach (var ruleChild in child.Rule?.Children ?? []) Add(ruleChild.Background, ruleChild.Scenario, child.Rule);
        }

        string[] featureTags = [.. feature.Tags.Select(t => t.Name.TrimStart('@'))];
        var info = new FeatureInfo(CultureInfo.GetCultureInfo(feature.Language), Path.GetDirectoryName(uri) ?? "", feature.Name,
            feature.Description, ProgrammingLanguage.CSharp, featureTags, new FeatureMessages(new Messages.Source(uri, text,
                Messages.SourceMediaType.TEXT_X_CUCUMBER_GHERKIN_PLAIN), document, pickles));

        var kitFeature = new KitFeature(uri, feature.Name, info);
        for (var i = 0; i < pickles.Count; i++)
        {
            var pickle = pickles[i];
            var (scenario, rule) = scenarios[pickle.AstNodeIds[0]];
            var arguments = new OrderedDictionary();
            if (pickle.AstNodeIds.Count > 1 && rows.TryGetValue(pickle.AstNodeIds[1], out var example))
            {
                for (var c = 0; c < example.Header.Cells.Count; c++) arguments[example.Header.Cells[c].Value] = example.Row.Cells[c].Value;
            }
            var inherited = rule is null ? featureTags : [.. featureTags, .. rule.Tags.Select(t => t.Name.TrimStart('@'))];
            string[] tags = [.. pickle.Tags.Select(t => t.Name.TrimStart('@')).Except(inherited)];
            // The pickle's index in the feature: Reqnroll's formatters find the pickle (and its steps) by it.
            var pickleIndex = i.ToString(CultureInfo.InvariantCulture);
            var scenarioInfo = () => new ScenarioInfo(pickle.Name, scenario.Description, tags, arguments, inherited, pickleIndex);
            var ruleInfo = rule is null ? null : new RuleInfo(rule.Name, rule.Description, [.. rule.Tags.Select(t => t.Name.TrimStart('@'))]);
            var kitSteps = pickle.Steps.Select(s => new KitStep(s.Type, steps[s.AstNodeIds[0]].Keyword, s.Text,
                s.Argument?.DocString?.Content, s.Argument?.DataTable)).ToList();
            kitFeature.Scenarios.Add(new KitScenario(kitFeature, pickle.Name, [.. pickle.Tags.Select(t => t.Name.TrimStart('@'))],
                scenarioInfo, ruleInfo, kitSteps));
        }
        return kitFeature;
    }
}

public sealed record KitFeature(string Uri, string Title, FeatureInfo Info)
{
    public List<KitScenario> Scenarios { get; } = [];
}

/// <param name="Info">A fresh <see cref="ScenarioInfo"/> for each run: Reqnroll keeps per-run state on it.</param>
public sealed record KitScenario(KitFeature Feature, string Name, IReadOnlyList<string> Tags, Func<ScenarioInfo> Info, RuleInfo? Rule,
    IReadOnlyList<KitStep> Steps)
{
    public const string RequirementPrefix = "req:";

    /// <summary>"Feature title: scenario name", unique across the kit.</summary>
    public string Key => $"{Feature.Title}: {Name}";

    public IReadOnlyList<string> Requirements => [.. Tags.Where(t => t.StartsWith(RequirementPrefix, StringComparison.Ordinal))
        .Select(t => t[RequirementPrefix.Length..])];

    public RequirementLevel? Level => RequirementLevels.FromTags(Tags);
}

public sealed record KitStep(Messages.PickleStepType Type, string Keyword, string Text, string? DocString, Messages.PickleTable? Table);
