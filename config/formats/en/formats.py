"""The workspace's one date style in English: "7 Dec 2026", "7 Dec 2026, 14:30", "7 Dec", "14:30".

Templates say `{{ d|date }}`, `{{ dt|date:"DATETIME_FORMAT" }}` and `{{ t|time }}` and get these.
"""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M"
SHORT_DATETIME_FORMAT = "j M, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday, as the schedules' day pickers
# A date input's value is ISO whatever the language: <input type="date"> reads no other form.
DATE_INPUT_FORMATS = ["%Y-%m-%d"]
