"""The search query table: (page language, query, the result expected first). Issue 26 item 6: GDP in both
languages, indicator names, glossary terms, disagreements and goals, each found first."""
from __future__ import annotations

QUERIES = [
    ("en", "GDP", "/en/indicators/gdp/"),
    ("zh", "GDP", "/zh/indicators/gdp/"),
    ("zh", "地区生产总值", "/zh/indicators/gdp/"),
    ("en", "GDP growth", "/en/indicators/gdp-growth/"),
    ("zh", "GDP增速", "/zh/indicators/gdp-growth/"),
    ("en", "per capita GDP", "/en/indicators/gdp-per-capita/"),
    ("zh", "人均GDP", "/zh/indicators/gdp-per-capita/"),
    ("en", "R&D intensity", "/en/indicators/rd-intensity/"),
    ("zh", "研发经费投入强度", "/zh/indicators/rd-intensity/"),
    ("en", "PM2.5", "/en/indicators/pm25-reduction/"),
    ("zh", "PM2.5", "/zh/indicators/pm25-reduction/"),
    ("en", "life expectancy", "/en/indicators/life-expectancy/"),
    ("zh", "人均预期寿命", "/zh/indicators/life-expectancy/"),
    ("en", "surveyed urban unemployment rate", "/en/indicators/surveyed-unemployment/"),
    ("zh", "城镇调查失业率", "/zh/indicators/surveyed-unemployment/"),
    ("en", "Jiefangbei", "/en/glossary/#jiefangbei"),
    ("zh", "解放碑", "/zh/glossary/#jiefangbei"),
    ("en", "One Area, Two Clusters", "/en/glossary/#one-area-two-clusters"),
    ("zh", "一区两群", "/zh/glossary/#one-area-two-clusters"),
    ("en", "Zengjiayan Bridge", "/en/conflicts/#conflict-major-functional-projects-zengjiayan-bridge"),
    ("zh", "曾家岩大桥", "/zh/conflicts/#conflict-major-functional-projects-zengjiayan-bridge"),
    ("en", "GDP goal", "/en/conflicts/#conflict-gdp-goal-level-and-year"),
    ("zh", "地区生产总值目标", "/zh/conflicts/#conflict-gdp-goal-level-and-year"),
    ("en", "Social civility reaches a new level", "/en/goals/fyp14.civility/#goal-fyp14.civility"),
    ("zh", "社会文明程度达到新水平", "/zh/goals/fyp14.civility/#goal-fyp14.civility"),
]
QUERIES += [("en", "地区生产总值", "/en/indicators/gdp/"), ("en", "曾家岩大桥", "/en/conflicts/#conflict-major-functional-projects-zengjiayan-bridge")]
