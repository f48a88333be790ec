"""What the figures mean, printed under every report."""

DEFINITIONS = (
    ("field accuracy", "share of contract fields (header, 24 funding cells, 8 per indicator row) equal to gold: "
     "texts after NFKC without whitespace, numbers within 0.005; a field of a missed form or row is wrong."),
    ("indicator-row recall / precision", "gold rows found / predicted rows that match a gold row "
     "(rows aligned in order by name)."),
    ("text character accuracy", "mean of 1 − normalized Levenshtein distance over free-text fields "
     "(project, units, goals, indicator categories, names, targets, actuals, deviation reasons)."),
    ("taxonomy-alignment accuracy", "rows whose level1_match / level2_match canonical label equals the gold "
     "level1 / level2."),
    ("silent error", "a form marked verified that holds any number (year, funding cell, total, indicator "
     "weight or score) differing from gold, misses a gold row with a number, or adds a row with one; "
     "an extra verified form counts too. The checks vouched for a wrong number."),
    ("false alarm", "a form flagged although every number matches gold. Some are justified: the printed "
     "document itself fails the checks (its gold record is flagged too)."),
    ("seconds / page", "wall seconds of extraction per page (a text export counts its page markers, at "
     "least one); CPU-seconds include OCR threads."),
)
