"""The domain's code lists (seed 池民社救〔2023〕38号), each with Chinese labels."""

from __future__ import annotations

from collections.abc import Iterable

from contracts.labels import ZhEnum, zh_labels


@zh_labels(
    {
        "dibao": "低保对象",
        "tekun": "特困人员",
        "orphan": "孤儿",
        "unsupported_child": "事实无人抚养儿童",
        "dibao_marginal": "低保边缘家庭",
        "relapse_monitoring": "防止返贫监测对象",
        "expenditure_hardship": "支出型困难家庭",
    }
)
class RecipientCategory(ZhEnum):
    """Who may be served (服务对象范围)."""

    DIBAO = "dibao"
    TEKUN = "tekun"
    ORPHAN = "orphan"
    UNSUPPORTED_CHILD = "unsupported_child"
    DIBAO_MARGINAL = "dibao_marginal"
    RELAPSE_MONITORING = "relapse_monitoring"
    EXPENDITURE_HARDSHIP = "expenditure_hardship"


@zh_labels(
    {
        "disabled_elder": "失能老年人",
        "semi_disabled_elder": "半失能老年人",
        "seriously_ill": "重病患者",
        "severely_disabled": "重度残疾人",
        "minor": "未成年人",
    }
)
class SpecialCondition(ZhEnum):
    """A special circumstance of the person (特殊群体)."""

    DISABLED_ELDER = "disabled_elder"
    SEMI_DISABLED_ELDER = "semi_disabled_elder"
    SERIOUSLY_ILL = "seriously_ill"
    SEVERELY_DISABLED = "severely_disabled"
    MINOR = "minor"


@zh_labels(
    {
        "life_care": "生活照料",
        "health_care": "健康护理",
        "cleaning": "清洁服务",
        "capability_building": "能力提升",
    }
)
class ServiceCategory(ZhEnum):
    """The four service categories."""

    LIFE_CARE = "life_care"
    HEALTH_CARE = "health_care"
    CLEANING = "cleaning"
    CAPABILITY_BUILDING = "capability_building"


@zh_labels(
    {
        "government_purchase": "政府购买服务",
        "institutional_care": "机构照料服务",
        "department_linkage": "部门联动服务",
        "party_building": "“党建+救助”服务",
        "social_work_volunteer": "社工志愿服务",
        "neighbour_mutual_aid": "邻里互助服务",
        "charity_referral": "慈善救济服务",
    }
)
class ServiceMode(ZhEnum):
    """The seven service modes (服务方式)."""

    GOVERNMENT_PURCHASE = "government_purchase"
    INSTITUTIONAL_CARE = "institutional_care"
    DEPARTMENT_LINKAGE = "department_linkage"
    PARTY_BUILDING = "party_building"
    SOCIAL_WORK_VOLUNTEER = "social_work_volunteer"
    NEIGHBOUR_MUTUAL_AID = "neighbour_mutual_aid"
    CHARITY_REFERRAL = "charity_referral"


@zh_labels(
    {
        "tekun_care": "特困人员照料护理经费",
        "temporary_assistance": "临时救助经费",
        "assistance_work_special": "社会救助工作经费或社会救助专项经费",
        "home_elderly_care": "居家养老服务经费",
        "disability_rehabilitation": "残疾人康复服务经费",
        "minor_protection": "未成年人保护经费",
        "other_service_aid": "其他服务类救助经费",
        "charity": "慈善救助资金",
    }
)
class FundingSource(ZhEnum):
    """The eight funding sources (资金来源); ring-fenced, every fen traces to one."""

    TEKUN_CARE = "tekun_care"
    TEMPORARY_ASSISTANCE = "temporary_assistance"
    # Capped at 1% of the locality's total social-assistance funds (seed 三(四)3).
    ASSISTANCE_WORK_SPECIAL = "assistance_work_special"
    HOME_ELDERLY_CARE = "home_elderly_care"
    DISABILITY_REHABILITATION = "disability_rehabilitation"
    MINOR_PROTECTION = "minor_protection"
    OTHER_SERVICE_AID = "other_service_aid"
    CHARITY = "charity"


@zh_labels(
    {
        "welfare_institution": "社会福利机构",
        "social_work_org": "社会工作服务机构",
        "social_organisation": "社会组织",
        "charity": "慈善组织",
        "partner_department": "联动部门",
        "party_branch": "基层党组织",
        "neighbour_volunteer": "邻里志愿者",
        "medical_institution": "专门医疗机构",
    }
)
class ProviderType(ZhEnum):
    """Kind of provider in the one provider registry."""

    WELFARE_INSTITUTION = "welfare_institution"
    SOCIAL_WORK_ORG = "social_work_org"
    SOCIAL_ORGANISATION = "social_organisation"
    CHARITY = "charity"
    PARTNER_DEPARTMENT = "partner_department"
    PARTY_BRANCH = "party_branch"
    NEIGHBOUR_VOLUNTEER = "neighbour_volunteer"
    MEDICAL_INSTITUTION = "medical_institution"


@zh_labels(
    {
        "window": "乡镇(街道)窗口申请",
        "wechat": "“池州民政”微信公众号",
        "wanshitong": "“皖事通”APP",
        "coordinator_discovery": "协理员主动发现",
        "city_system": "市救助系统新纳入",
    }
)
class Channel(ZhEnum):
    """How an application reached us."""

    WINDOW = "window"
    WECHAT = "wechat"
    WANSHITONG = "wanshitong"
    COORDINATOR_DISCOVERY = "coordinator_discovery"
    #: Opened by intake's monthly follow-up for a person the city system newly admitted.
    CITY_SYSTEM = "city_system"


@zh_labels(
    {
        "active": "在册",
        "suspended": "暂停",
        "resumed": "恢复",
        "stopped": "停止",
        "category_changed": "类别变更",
        "transferred": "迁移",
        "deceased": "死亡",
    }
)
class RecipientStatus(ZhEnum):
    """A recipient's aid status."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    STOPPED = "stopped"
    CATEGORY_CHANGED = "category_changed"
    TRANSFERRED = "transferred"
    DECEASED = "deceased"


@zh_labels({"able": "能自理", "mild": "轻度失能", "moderate": "中度失能", "severe": "重度失能"})
class SelfCareLevel(ZhEnum):
    """Self-care ability found by the household survey."""

    ABLE = "able"
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@zh_labels({"visit": "次", "hour": "小时", "day": "天", "meal": "餐", "month": "月"})
class FeeUnit(ZhEnum):
    """Unit a catalogue fee is charged per."""

    VISIT = "visit"
    HOUR = "hour"
    DAY = "day"
    MEAL = "meal"
    MONTH = "month"


@zh_labels({"day": "日", "week": "周", "month": "月", "year": "年"})
class PeriodUnit(ZhEnum):
    """Period of a service frequency ("3 times per week")."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


@zh_labels(
    {
        "applicant_app": "申请人(线上)",
        "village_staff": "村(社区)工作人员",
        "coordinator": "社会救助协理员",
        "township_officer": "乡镇(街道)工作人员",
        "county_officer": "县级民政部门工作人员",
        "provider": "服务供给主体",
        "auditor": "监督检查人员",
        "admin": "系统管理员",
        "checker": "资金复核人员",
    }
)
class Role(ZhEnum):
    """A user's role on the platform."""

    APPLICANT_APP = "applicant_app"
    VILLAGE_STAFF = "village_staff"
    COORDINATOR = "coordinator"
    TOWNSHIP_OFFICER = "township_officer"
    COUNTY_OFFICER = "county_officer"
    PROVIDER = "provider"
    AUDITOR = "auditor"
    ADMIN = "admin"
    # Approves what another person initiated (a payment, a reversal) and initiates nothing.
    CHECKER = "checker"


@zh_labels({"review_officer": "乡镇(街道)审核", "city_system": "市社会救助信息系统"})
class StatusSource(ZhEnum):
    """Where a status change was decided."""

    REVIEW_OFFICER = "review_officer"
    CITY_SYSTEM = "city_system"


#: Categories served only for a member with a special condition (seed 三(一)4).
CONDITIONAL_CATEGORIES: frozenset[RecipientCategory] = frozenset(
    {
        RecipientCategory.DIBAO_MARGINAL,
        RecipientCategory.RELAPSE_MONITORING,
        RecipientCategory.EXPENDITURE_HARDSHIP,
    }
)

#: The conditions that qualify a member of a conditional category (minors are not among them).
QUALIFYING_CONDITIONS: frozenset[SpecialCondition] = frozenset(
    {
        SpecialCondition.DISABLED_ELDER,
        SpecialCondition.SEMI_DISABLED_ELDER,
        SpecialCondition.SERIOUSLY_ILL,
        SpecialCondition.SEVERELY_DISABLED,
    }
)


def category_needs_special_condition(category: RecipientCategory | str) -> bool:
    """Tells whether a category qualifies only with a special condition."""
    return RecipientCategory(category) in CONDITIONAL_CATEGORIES


def is_eligible(
    category: RecipientCategory | str, conditions: Iterable[SpecialCondition | str]
) -> bool:
    """Tells whether a category with these conditions is within the service scope."""
    if not category_needs_special_condition(category):
        return True
    return any(SpecialCondition(c) in QUALIFYING_CONDITIONS for c in conditions)
