#include "bench.h"

#include <QCoreApplication>
#include <QTextStream>

#include <functional>
#include <map>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const std::map<QString, std::function<int(const QStringList &)>> benches{
        {QStringLiteral("scheduler"), benchScheduler},
        {QStringLiteral("server"), benchServer},
        {QStringLiteral("http"), benchHttp},
    };
    QStringList args = app.arguments().mid(1);
    QTextStream err(stderr);
    if (args.isEmpty() || !benches.contains(args.first())) {
        err << "usage: loopscope-bench <benchmark> [options]\nbenchmarks:";
        for (const auto &[name, fn] : benches)
            err << ' ' << name;
        err << '\n';
        return 2;
    }
    const QString name = args.takeFirst();
    return benches.at(name)(args);
}
