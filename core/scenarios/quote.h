#pragma once

#include <QDate>
#include <QString>

namespace Loopscope {

//! One daily stock quote, a line of the producer-consumer scenario's CSV ("date,symbol,close").
struct Quote
{
    QDate date;
    QString symbol;
    double close = 0;

    //! The header line a quotes CSV must start with.
    static QString csvHeader() { return QStringLiteral("date,symbol,close"); }

    /*!
     * Parses one data line such as "2024-01-02,LSCP,101.25". Throws Error naming `source` and
     * `lineNumber` when the line does not have three fields, the date is not YYYY-MM-DD, the symbol
     * is empty or the close is not a positive number.
     */
    static Quote fromCsvLine(const QString &line, const QString &source, int lineNumber);
};

} // namespace Loopscope
