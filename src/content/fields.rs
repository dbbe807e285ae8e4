//! The front matter's fields: each with its English name, its Chinese
//! aliases and the label messages use. One list for issues, one for
//! reports; anything else in a file is an unknown key.

use super::front_matter::FieldSpec;

pub const DATE: FieldSpec = FieldSpec {
    name: "date",
    aliases: &["日期"],
    label: "日期",
};
pub const ALBUM: FieldSpec = FieldSpec {
    name: "album",
    aliases: &["专辑", "系列"],
    label: "专辑名称",
};
pub const TOTAL: FieldSpec = FieldSpec {
    name: "total",
    aliases: &["总期号", "总第"],
    label: "总期号",
};
pub const COPIES: FieldSpec = FieldSpec {
    name: "copies",
    aliases: &["印数", "共印"],
    label: "印数",
};
pub const PUBLISHER: FieldSpec = FieldSpec {
    name: "publisher",
    aliases: &["编印单位", "编印"],
    label: "编印单位",
};
pub const PRINTER: FieldSpec = FieldSpec {
    name: "printer",
    aliases: &["印发单位"],
    label: "印发单位",
};
pub const DISTRIBUTION: FieldSpec = FieldSpec {
    name: "distribution",
    aliases: &["分送", "发送范围"],
    label: "分送范围",
};
pub const NUMBER: FieldSpec = FieldSpec {
    name: "number",
    aliases: &["期数"],
    label: "期号",
};
pub const ISSUE_FIELDS: &[FieldSpec] = &[
    DATE,
    ALBUM,
    TOTAL,
    COPIES,
    PUBLISHER,
    PRINTER,
    DISTRIBUTION,
    NUMBER,
];

pub const ISSUE: FieldSpec = FieldSpec {
    name: "issue",
    aliases: &["期号", "期"],
    label: "期号",
};
pub const COUNTY: FieldSpec = FieldSpec {
    name: "county",
    aliases: &["县区", "区县", "县", "地区"],
    label: "县区",
};
pub const TITLE: FieldSpec = FieldSpec {
    name: "title",
    aliases: &["标题", "题目"],
    label: "标题",
};
pub const SUPPLIER: FieldSpec = FieldSpec {
    name: "supplier",
    aliases: &["供稿", "供稿单位"],
    label: "供稿单位",
};
pub const SUBTITLE: FieldSpec = FieldSpec {
    name: "subtitle",
    aliases: &["副标题"],
    label: "副标题",
};
pub const ORDER: FieldSpec = FieldSpec {
    name: "order",
    aliases: &["顺序", "排序"],
    label: "排列顺序",
};
pub const TAGS: FieldSpec = FieldSpec {
    name: "tags",
    aliases: &["关键词", "标签"],
    label: "关键词",
};
pub const DRAFT: FieldSpec = FieldSpec {
    name: "draft",
    aliases: &["草稿"],
    label: "草稿",
};
pub const REPORT_FIELDS: &[FieldSpec] = &[
    ISSUE,
    COUNTY,
    TITLE,
    SUPPLIER,
    SUBTITLE,
    ORDER,
    TAGS,
    DISTRIBUTION,
    DRAFT,
];

pub const TO: FieldSpec = FieldSpec {
    name: "to",
    aliases: &["送"],
    label: "送",
};
pub const CC: FieldSpec = FieldSpec {
    name: "cc",
    aliases: &["发"],
    label: "发",
};
