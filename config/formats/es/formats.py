"""The same date style in Spanish: "7 dic 2026", "7 dic 2026, 14:30", "7 dic", "14:30"."""

DATE_FORMAT = "j b Y"
DATETIME_FORMAT = "j b Y, H:i"
SHORT_DATE_FORMAT = "j b"
SHORT_DATETIME_FORMAT = "j b, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
FIRST_DAY_OF_WEEK = 1
# A date input's value is ISO whatever the language: <input type="date"> reads no other form.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
