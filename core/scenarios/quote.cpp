#include "scenarios/quote.h"

#include "scheduler/errors.h"

#include <cmath>
#include <QStringList>

namespace Loopscope {

Quote Quote::fromCsvLine(const QString &line, const QString &source, int lineNumber)
{
    const auto fail = [&](const QString &why) {
        return Error(QStringLiteral("%1 line %2: %3").arg(source).arg(lineNumber).arg(why));
    };
    const QStringList fields = line.trimmed().split(u',');
    if (fields.size() != 3)
        throw fail(QStringLiteral("expected date,symbol,close, got '%1'").arg(line.trimmed()));
    Quote quote;
    quote.date = QDate::fromString(fields[0].trimmed(), Qt::ISODate);
    if (!quote.date.isValid())
        throw fail(QStringLiteral("'%1' is not a date (YYYY-MM-DD)").arg(fields[0].trimmed()));
    quote.symbol = fields[1].trimmed();
    if (quote.symbol.isEmpty())
        throw fail(QStringLiteral("the symbol is empty"));
    bool ok = false;
    quote.close = fields[2].trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(quote.close) || quote.close <= 0)
        throw fail(QStringLiteral("the close must be a positive number, got '%1'").arg(fields[2].trimmed()));
    return quote;
}

} // namespace Loopscope
