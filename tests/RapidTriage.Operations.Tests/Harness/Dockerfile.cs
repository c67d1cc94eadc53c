using System.Text.RegularExpressions;

namespace RapidTriage.Operations.Tests.Harness;

/// <summary>A Dockerfile read into instructions (continuation lines joined, comments dropped), grouped by stage.</summary>
internal sealed partial class Dockerfile
{
    private Dockerfile(List<List<(string Instruction, string Arguments)>> stages) => Stages = stages;

    public List<List<(string Instruction, string Arguments)>> Stages { get; }

    public List<(string Instruction, string Arguments)> Final => Stages[^1];

    public static Dockerfile Read(string path)
    {
        var stages = new List<List<(string, string)>>();
        var text = ContinuedLine().Replace(File.ReadAllText(path), " ");
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var instruction = line[..space].ToUpperInvariant();
            var arguments = line[(space + 1)..].Trim();
            if (instruction == "FROM")
            {
                stages.Add([]);
            }

            stages[^1].Add((instruction, arguments));
        }

        return new Dockerfile(stages);
    }

    public IEnumerable<string> All(string instruction, bool finalOnly = false) =>
        (finalOnly ? Final : Stages.SelectMany(s => s)).Where(i => i.Instruction == instruction).Select(i => i.Arguments);

    [GeneratedRegex(@"\\\s*\r?\n")]
    private static partial Regex ContinuedLine();
}
