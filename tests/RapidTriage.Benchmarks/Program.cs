using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/RapidTriage.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(RapidTriage.Benchmarks.Frames).Assembly).Run(args);
