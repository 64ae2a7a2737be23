#include "scenarios/scenarioparams.h"

#include "scheduler/errors.h"

#include <cmath>
#include <QStringList>

namespace Loopscope {

namespace {

const ScenarioParameter *findParameter(const ScenarioInfo &info, const QString &key)
{
    for (const ScenarioParameter &parameter : info.parameters) {
        if (parameter.key == key)
            return &parameter;
    }
    return nullptr;
}

QString parameterKeys(const ScenarioInfo &info)
{
    QStringList keys;
    for (const ScenarioParameter &parameter : info.parameters)
        keys << parameter.key;
    return keys.isEmpty() ? QStringLiteral("it takes no parameters")
                          : QStringLiteral("it takes: %1").arg(keys.join(QStringLiteral(", ")));
}

} // namespace

QString formatParameterValue(double value)
{
    // 'g' with 15 digits prints whole numbers up to 10^15 without an exponent.
    return QString::number(value, 'g', 15);
}

ScenarioParams resolveParameters(const ScenarioInfo &info, const ScenarioParams &given)
{
    for (auto it = given.cbegin(); it != given.cend(); ++it) {
        if (!findParameter(info, it.key()))
            throw Error(
                QStringLiteral("%1 has no parameter '%2'; %3").arg(info.id, it.key(), parameterKeys(info)));
    }
    ScenarioParams resolved;
    for (const ScenarioParameter &parameter : info.parameters) {
        const double value = given.value(parameter.key, parameter.defaultValue);
        if (!std::isfinite(value))
            throw Error(QStringLiteral("%1 must be a finite number").arg(parameter.key));
        if (parameter.integer && value != std::floor(value)) {
            throw Error(QStringLiteral("%1 must be a whole number, got %2")
                            .arg(parameter.key, formatParameterValue(value)));
        }
        if (value < parameter.minimum || value > parameter.maximum) {
            throw Error(QStringLiteral("%1 must be between %2 and %3, got %4")
                            .arg(parameter.key, formatParameterValue(parameter.minimum),
                                formatParameterValue(parameter.maximum), formatParameterValue(value)));
        }
        resolved.insert(parameter.key, value);
    }
    return resolved;
}

ScenarioParams parseParameterAssignments(const ScenarioInfo &info, const QStringList &assignments)
{
    ScenarioParams given;
    for (const QString &assignment : assignments) {
        const qsizetype equals = assignment.indexOf(u'=');
        if (equals <= 0)
            throw Error(QStringLiteral("expected key=value, got '%1'").arg(assignment));
        const QString key = assignment.left(equals).trimmed();
        const QString text = assignment.mid(equals + 1).trimmed();
        if (given.contains(key))
            throw Error(QStringLiteral("%1 is given twice").arg(key));
        if (!findParameter(info, key))
            throw Error(
                QStringLiteral("%1 has no parameter '%2'; %3").arg(info.id, key, parameterKeys(info)));
        const ScenarioParameter &parameter = *findParameter(info, key);
        const qsizetype choice = parameter.choices.indexOf(text);
        if (choice >= 0) {
            given.insert(key, parameter.minimum + double(choice));
            continue;
        }
        bool ok = false;
        const double value = text.toDouble(&ok);
        if (!ok || !std::isfinite(value)) {
            if (!parameter.choices.isEmpty())
                throw Error(QStringLiteral("%1 is one of %2, got '%3'")
                                .arg(key, parameter.choices.join(QStringLiteral(", ")), text));
            throw Error(QStringLiteral("%1 must be a number, got '%2'").arg(key, text));
        }
        given.insert(key, value);
    }
    return resolveParameters(info, given);
}

qint64 integerParameter(const ScenarioParams &params, const QString &key)
{
    const auto it = params.constFind(key);
    if (it == params.cend())
        throw Error(QStringLiteral("the parameter '%1' is missing").arg(key));
    return static_cast<qint64>(std::llround(it.value()));
}

} // namespace Loopscope
