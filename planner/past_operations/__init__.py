"""Operations of earlier years recorded afterwards by the working-party secretariat: created directly as closed,
their results then imported with the operation's Excel template on behalf of the participating administrations,
so that the comparison with the year before and the evidence for new business cases have data."""
