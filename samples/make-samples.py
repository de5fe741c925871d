#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the sample workbooks and CSV files used by kyokun's tests and docs.

The content reproduces the worked case (参考1, a cloud load balancer outage) of
the IPA/SEC guide 「教訓の作り方」, in Japanese and in an English translation,
plus an invented incident list and a few deliberately broken inputs.

Run from anywhere:  python3 samples/make-samples.py
Needs only the standard library and openpyxl (Debian: python3-openpyxl).
The output is byte-identical across runs with the same openpyxl and zlib,
because document properties and zip entry timestamps are fixed.
"""

import csv
import datetime
import io
import pathlib
import re
import sys
import zipfile

try:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
except ImportError:
    sys.exit(f"error: openpyxl is not installed for {sys.executable}; "
             "install python3-openpyxl (Debian) or run the script with a "
             "Python that has openpyxl, e.g. /usr/bin/python3")

SAMPLES_DIR = pathlib.Path(__file__).resolve().parent

# Written into docProps/core.xml and into every zip entry header.
FIXED_TIME = datetime.datetime(2024, 10, 1, 9, 0, 0)

# ---------------------------------------------------------------------------
# 障害状況表 / incident status table (guide, 図 参考1.2-1)
# ---------------------------------------------------------------------------

STATUS_TITLE = {
    "ja": "障害状況表：A社オンラインサービスの丸一日停止",
    "en": "Incident status table: Company A online service down for a day",
}
STATUS_TIME_HEADER = {"ja": "日時", "en": "Time"}

# Columns after the time column: (key, company header, department header).
# A None department means that the company cell spans both header rows.
STATUS_COLUMNS = {
    "ja": [
        ("customer", "顧客", None),
        ("a_counter", "A社\n（今回の障害が発生したサービスのユーザ）", "業務窓口"),
        ("a_it", None, "情シス部門"),
        ("b", "B社\n（クラウドサービスを提供するベンダ）", None),
        ("c", "C社\n（B社が採用した負荷分散装置のベンダ）", None),
        ("d", "D社\n（サービスの共同利用ユーザで、今回の障害の影響はなし）", None),
    ],
    "en": [
        ("customer", "Customer", None),
        ("a_counter", "Company A\n(user of the service that failed)", "Business counter"),
        ("a_it", None, "IT department"),
        ("b", "Company B\n(vendor providing the cloud service)", None),
        ("c", "Company C\n(vendor of the load balancer Company B adopted)", None),
        ("d", "Company D\n(co-user of the service, not affected by this failure)", None),
    ],
}

# Each block is one time label of the guide's figure and the rows under it.
# Each row maps an actor key to the event text (ja, en). The guide's figure
# places the events in boxes, and the column of each box was reconstructed
# from the figure's text and the narrative in 参考1.1.3.
STATUS_BLOCKS = [
    (("朝４時", "4 a.m."), [
        {"b": ("負荷分散装置のファームウェアで行っているある処理（sodプロセス）にてメモリ不足エラー（out of memory）が発生した。",
               "An out-of-memory error occurred in a process (the sod process) run by the load balancer firmware.")},
        {"b": ("待機系がスタンバイからアクティブへ切り替わり、この段階で未だ稼動系がアクティブであったため、両系間で多数の電文が繰返し転送される現象（系間ループ形成によるマルチキャストストーム）が発生した",
               "The standby unit switched from standby to active while the active unit was still active, so many messages were forwarded back and forth between the two units (a multicast storm caused by a loop between the units)")},
        {"b": ("Ｌ２スイッチのポートが閉塞した",
               "The L2 switch port was blocked")},
        {"b": ("sodプロセスが再起動された",
               "The sod process was restarted")},
        {"b": ("稼動系がスタンバイへ切り替わった",
               "The active unit switched to standby")},
        {"b": ("系切替え（フェールオーバ）動作が完了し、待機系に切り替わったが、待機系自体がout of memoryに近い状態であったため、極端なレスポンス悪化が発生した",
               "The failover completed and service moved to the standby unit, but the standby unit itself was close to out of memory, so response times became extremely poor")},
    ]),
    (("朝８時", "8 a.m."), [
        {"a_counter": ("オンライン開始時からこのシステムに障害が発生してまる１日業務が停止した。基幹オンラインシステムが端末から起動できず、すべての窓口でデータベースの更新を伴う処理の受付けができなかった",
                       "The system failed from the start of online hours and business stopped for a whole day. The core online system could not be started from the terminals, and no counter could accept transactions that update the database"),
         "a_it": ("A社があらかじめ用意していたクラウド外の「障害時バックアップシステム」に切り替わり、データ照会処理はできたので、データの更新を伴わないサービスのみを実施した",
                  "Service switched to the \"failure backup system\" that Company A had prepared outside the cloud. Data inquiries still worked, so only services that do not update data were provided"),
         "b": ("B社は障害箇所の特定に時間を要した",
               "Company B took a long time to locate the failure")},
        {"a_it": ("Ａ社は各方面への説明対応に追われた",
                  "Company A was kept busy explaining the situation to many parties"),
         "b": ("通信路の疎通状況を確認するpingが通ったことから、B社はシステムの運用に問題ないと誤認した",
               "Because the ping that checks the communication path succeeded, Company B wrongly concluded that the system was operating without problems"),
         "d": ("状況はD社には全く伝えられていなかった",
               "Company D was told nothing about the situation")},
        {"a_counter": ("業務窓口は、登録系業務の処理の対応手順がわからなかったため顧客の登録・変更申請に対応できなかった。",
                       "The business counter did not know the procedure for registration work, so it could not handle customers' registration and change requests."),
         "b": ("初めのうちはAPサーバや専用線の問題と誤認し調査を行っていた。B社の自社製品ではないC社製負荷分散装置の障害調査は後回しにした",
               "At first Company B wrongly suspected the application servers or the leased line and investigated them. It put off investigating the load balancer made by Company C, which is not Company B's own product")},
        {"customer": ("結果として、窓口に来た顧客に帰って頂く対応となった",
                      "As a result, customers who came to the counter had to be sent home"),
         "c": ("原因はC社製負荷分散装置のsodプロセスのメモリ資源が時間とともに増加するという既知の不具合によるものであったことがわかった",
               "The cause turned out to be a known defect in Company C's load balancer: the memory used by the sod process grows over time")},
    ]),
    (("１６時", "16:00"), [
        {"b": ("障害箇所が判明したのは１６：００であった",
               "The location of the failure was found only at 16:00")},
        {"b": ("負荷分散装置はD社と共用しており、再起動等の対処によるD社サービスへの影響が不明のため、A社の了解のもと対処を業務終了後まで先送りすることとした",
               "The load balancer was shared with Company D and the effect of a restart or other action on Company D's service was unknown, so, with Company A's consent, the action was postponed until after business hours")},
    ]),
    (("２０時", "20:00"), [
        {"b": ("午後８時頃に、障害の原因を負荷分散装置と特定し、試みにA社の仮想ＬＢを再起動したところ、障害が復旧した。",
               "At about 8 p.m. the cause was identified as the load balancer, and restarting Company A's virtual load balancer as a trial cleared the failure.")},
    ]),
    (("午前１時半", "1:30 a.m."), [
        {"b": ("負荷分散装置のハードウェア構成全体の再起動を行い、正常稼動の確認が完了した。",
               "The whole load balancer hardware configuration was restarted, and normal operation was confirmed.")},
    ]),
    (("その他", "Other"), [
        {"a_counter": ("基幹業務システムが利用できない場合の事務マニュアルはなく、システムが使えないと業務遂行はお手上げの状態であった",
                       "There was no office manual for working without the core business system, so when the system was unavailable the business could not be carried out at all"),
         "a_it": ("A社のシステムでは、本稼動以来、負荷分散装置は8か月以上連続運転状態であり、一般的なネットワーク機器と同様に再起動をしたことがなかった",
                  "In Company A's system the load balancer had run continuously for more than eight months since going live and, like ordinary network equipment, had never been restarted"),
         "b": ("B社は、システム構成機器の修正情報の収集間隔を、３ヶ月に１回程度と非常に粗く設定していた",
               "Company B collected fix information for the system's components only about once every three months, a very coarse interval")},
    ]),
]


# ---------------------------------------------------------------------------
# なぜなぜ分析 / why-why analysis (guide, 図 参考1.3-1)
# ---------------------------------------------------------------------------

WHY_HEADERS = {
    "ja": ["問題", "なぜ１", "なぜ２", "なぜ３", "なぜ４", "なぜ５", "対策（教訓ID）"],
    "en": ["Problem", "Why 1", "Why 2", "Why 3", "Why 4", "Why 5", "Countermeasure (lesson ID)"],
}

# Cause texts, named so that the rows below can refer to them.
PROBLEM = ("A社のオンラインサービスが丸一日間停止した。",
     "Company A's online service stopped for a whole day.")
LB_FAILED = ("負荷分散装置に障害が発生した",
             "A failure occurred in the load balancer")
NO_PATCH = ("障害対応のパッチを適用していなかった",
            "The patch for the defect had not been applied")
PATCH_UNKNOWN = ("負荷分散装置のパッチがでているのを知らなかった",
                 "Nobody knew that a patch for the load balancer had been released")
FIX_INFO_INTERVAL = ("システム構成機器の修正情報の収集間隔を、３ヶ月に１回程度と非常に粗く設定していた",
                     "Fix information for the system's components was collected only about once every three months, a very coarse interval")
NO_RESTART = ("負荷分散装置を定期的に再起動をしていなかった",
              "The load balancer was not restarted regularly")
RESTART_UNKNOWN = ("定期的に再起動をしていれば障害は起きないことを知らなかった",
                   "Nobody knew that regular restarts would have prevented the failure")
SLOW_SERVICE = ("お客様のサービス（復旧時間、障害中対応）に時間を要した",
                "Service to customers (recovery time, handling during the failure) took a long time")
LB_OVERLOOKED = ("負荷分散装置の障害を見逃した",
                 "The load balancer failure was overlooked")
PING_OK = ("pingが通ったことにより問題なしと判断した",
           "Because the ping succeeded, the system was judged to have no problem")
NO_EXPERT_NO_SEARCH = ("負荷分散装置の専門家が不在で、それ以上の調査を怠った",
                       "No load balancer expert was available, so no further investigation was made")
NO_INVESTIGATION_TOOL = ("NW上位層での調査ツールを用意していなかった",
                         "No investigation tool for the upper network layers had been prepared")
NO_MONITORING_TOOL = ("NW上位層での監視ツールがなかった",
                      "There was no monitoring tool for the upper network layers")
VENDOR_NO_KNOWLEDGE = ("ベンダ（B社）が他社製品(C社)の知識がなく、障害以外の箇所ばかり調査していた",
                       "The vendor (Company B) had no knowledge of the other company's (Company C) product and investigated only places other than the failure")
NO_AGREEMENT_WITH_C = ("障害時における他社製品(C社)との体制の合意なされていなかった",
                       "No failure-time arrangement had been agreed with the maker of the other company's product (Company C)")
VENDOR_NO_EXPERT = ("ベンダ（B社)には、負荷分散装置の専門家が不在だった",
                    "The vendor (Company B) had no load balancer expert")
VENDOR_OWN_ONLY = ("ベンダ（B社）が自社製品の知識しかなかった",
                   "The vendor (Company B) knew only its own products")
NO_CUSTOMER_PLAN = ("障害発生時の顧客サービスを考えていなかった",
                    "Customer service during a failure had not been considered")
NO_JOINT_PLAN = ("業務部門と情シス部門の対策が検討されていなかった",
                 "The business department and the IT department had not discussed countermeasures")
POSTPONED = ("負荷分散装置はD社と共用しており、再起動等の対処によるD社サービスへの影響が不明のため、A社の了解のもと対処を業務終了後まで先送りすることとした",
             "The load balancer was shared with Company D and the effect of a restart or other action on Company D's service was unknown, so, with Company A's consent, the action was postponed until after business hours")
NO_CONTACT_STRUCTURE = ("トラブル発生時等の情報共有のための利用者間の連絡体制は確立されていなかった",
                        "No contact arrangement between users for sharing information when trouble occurs had been established")
D_EFFECT_UNKNOWN = ("A社の論理区画を再起動した場合の共同利用している他企業D社のオンライン業務の影響を知らなかった",
                    "Nobody knew how restarting Company A's logical partition would affect the online business of Company D, another company sharing the equipment")

# One row per countermeasure: (problem, why1 .. why5, countermeasure, related
# to lesson G7). A None cause cell left of the row's deepest cause means "same
# as the row above", and a None right of it means that the branch ends there.
# A row without any cause cell is a further countermeasure of the branch above.
# The lesson ids keep the guide's mixed full-width and ASCII brackets.
WHY_ROWS = [
    (PROBLEM, LB_FAILED, NO_PATCH, PATCH_UNKNOWN, FIX_INFO_INTERVAL, None,
     ("技術情報の確認サイクルを見直して３ヶ月に１回から２週間に１回に変更する\n（T16)",
      "Review the cycle for checking technical information and change it from once every three months to once every two weeks\n(T16)"), False),
    (None, None, None, None, None, None,
     ("特に重大な不具合では、修正を反映させる手立てや修正の優先度付けを行う\n（T16)",
      "For especially serious defects, arrange a way to apply the fix and set priorities for fixes\n(T16)"), False),
    (None, None, NO_RESTART, RESTART_UNKNOWN, None, None,
     ("サービスに影響のないタイミングで定期的に再起動する\n（T17)",
      "Restart it regularly at times that do not affect the service\n(T17)"), False),
    (None, SLOW_SERVICE, LB_OVERLOOKED, PING_OK, NO_EXPERT_NO_SEARCH, NO_INVESTIGATION_TOOL,
     ("NW上位層での調査ツールを用意する",
      "Prepare an investigation tool for the upper network layers"), False),
    (None, None, None, NO_MONITORING_TOOL, None, None,
     ("（見逃さない）NW監視ツールを用意する",
      "Prepare a network monitoring tool (one that does not miss such failures)"), False),
    (None, None, VENDOR_NO_KNOWLEDGE, NO_AGREEMENT_WITH_C, None, None,
     ("B社は、他社製品(C社)との障害時体制を合意する",
      "Company B agrees a failure-time arrangement with the maker of the other company's product (Company C)"), False),
    (None, None, None, VENDOR_NO_EXPERT, VENDOR_OWN_ONLY, None,
     ("他社（C社)製品から自社(B社）製品に交換する",
      "Replace the other company's (Company C) product with Company B's own product"), False),
    (None, None, NO_CUSTOMER_PLAN, NO_JOINT_PLAN, None, None,
     ("業務部門と情シス部門が協力してシステムの障害の規模に合わせた手作業による事務処理マニュアルの作成を行う\n（G９）",
      "The business department and the IT department work together to write a manual for manual office processing matched to the scale of a system failure\n(G9)"), False),
    (None, None, None, None, None, None,
     ("マニュアルに沿った訓練を定期的に実施する\n（G９）",
      "Hold training based on the manual regularly\n(G9)"), False),
    (None, None, POSTPONED, NO_CONTACT_STRUCTURE, None, None,
     ("共同利用者間の情報共有の強化を行う\n（G8)",
      "Strengthen information sharing between the co-users\n(G8)"), False),
    (None, None, None, D_EFFECT_UNKNOWN, None, None,
     ("B社は、システムを停止／再起動させる場合についての条件や手順、責任等に関する取決めをSLAで定義し、共同利用各社と合意する\n（G7)",
      "Company B defines in the SLA the conditions, procedures and responsibilities for stopping or restarting the system, and agrees them with each co-user\n(G7)"), True),
    (None, None, None, None, None, None,
     ("障害復旧時の関係者（サービスの共同利用者であるA社とD社、事業者であるB社）の役割分担や、システムにおけるコンポーネント（各種機器（ハード・ソフト）、データ）ごとの回復措置の利用者業務への影響範囲を明確化する\n（G7)",
      "Clarify the roles of the parties in recovery (the co-users Company A and Company D, and the provider Company B), and, for each system component (equipment, hardware and software, and data), how far its recovery action affects the users' business\n(G7)"), True),
]


# ---------------------------------------------------------------------------
# リスク管理表 / risk register (guide, 表2.2.3-1, plus rows drawn from the case)
# ---------------------------------------------------------------------------

RISK_TITLE = {"ja": "リスク管理表", "en": "Risk register"}
RISK_HEADERS = {
    "ja": ["No.", "カテゴリー", "リスク内容", "影響内容",
           "A:影響度\n（高：３～低：１）", "B:発生度\n（高：３～低：１）",
           "C:リスク値\n（A×B）", "判定\n（発生判定基準：５以上）", "想定対応方法"],
    "en": ["No.", "Category", "Risk", "Effect on business",
           "A: Impact\n(high 3 to low 1)", "B: Likelihood\n(high 3 to low 1)",
           "C: Risk score\n(A x B)", "Decision\n(respond at 5 or more)", "Response"],
}
RISK_DECISION = {True: ("対応要", "Respond"), False: ("対応不要", "Accept")}
RISK_THRESHOLD = 5

# (category, risk, effect, A, B, response). C and the decision are derived.
# The first row is the guide's own example row.
RISK_ROWS = [
    (("サービス継続・可用性", "Service continuity and availability"),
     ("障害発生時の事業継続/顧客サービスに対応できなくなる",
      "Business continuity and customer service cannot be maintained when a failure occurs"),
     ("顧客へのサービス提供の停止", "Service to customers stops"),
     3, 1,
     ("業務部門と情シス部門が協力してシステムの障害の規模に合わせた手作業による事務処理マニュアルの作成を行う。マニュアルに沿った訓練を定期的に実施する",
      "The business department and the IT department work together to write a manual for manual office processing matched to the scale of a system failure. Hold training based on the manual regularly")),
    (("供給者管理", "Supplier management"),
     ("他社製品（負荷分散装置）の不具合情報や修正プログラムの情報を適時に入手できない",
      "Defect and fix information for another company's product (the load balancer) is not obtained in time"),
     ("既知の不具合による障害が発生し、サービスが停止する", "A failure caused by a known defect stops the service"),
     3, 2,
     ("技術情報の確認サイクルを３ヶ月に１回から２週間に１回に見直し、重大な不具合は修正の優先度を付けて適用する",
      "Change the cycle for checking technical information from once every three months to once every two weeks, and apply fixes for serious defects by priority")),
    (("サービスレベル管理", "Service level management"),
     ("共同利用している機器の停止・再起動の条件や責任が決まっておらず、障害時の対処を判断できない",
      "No conditions or responsibilities are set for stopping or restarting shared equipment, so nobody can decide what to do in a failure"),
     ("復旧作業が先送りされ、サービス停止が長引く", "Recovery work is postponed and the outage lasts longer"),
     3, 3,
     ("停止・再起動の条件、手順、責任をSLAで定義し、共同利用各社と合意する",
      "Define the conditions, procedures and responsibilities for stopping and restarting in the SLA, and agree them with each co-user")),
    (("事業関係管理", "Business relationship management"),
     ("障害の状況が共同利用者に伝わらない", "The co-users are not told about a failure"),
     ("共同利用者の業務に影響が広がり、信頼を失う", "The effect spreads to the co-users' business and trust is lost"),
     2, 3,
     ("共同利用者間の連絡体制を確立し、障害時に情報を共有する",
      "Establish a contact arrangement between the co-users and share information in a failure")),
    (("容量・能力管理", "Capacity management"),
     ("機器を長期間連続運転すると、メモリ資源が時間とともに増加して枯渇する",
      "When equipment runs continuously for a long time, its memory use grows until memory runs out"),
     ("負荷分散装置が停止し、全サービスが停止する", "The load balancer stops and all services stop"),
     3, 2,
     ("サービスに影響のないタイミングで定期的に再起動し、メモリ使用量を監視する",
      "Restart regularly at times that do not affect the service, and monitor memory use")),
    (("インシデント管理", "Incident management"),
     ("pingの疎通確認だけで正常と判断し、上位層の異常を見逃す",
      "The system is judged normal from a ping check alone, and faults in the upper layers are missed"),
     ("障害の検知と原因の特定が遅れる", "Detection and diagnosis of the failure are delayed"),
     2, 2,
     ("NW上位層での監視ツールと調査ツールを用意する",
      "Prepare monitoring and investigation tools for the upper network layers")),
    (("構成管理", "Configuration management"),
     ("障害時バックアップシステムへのデータ同期が遅れ、照会データが古くなる",
      "Data synchronisation to the failure backup system falls behind, so inquiry data becomes stale"),
     ("顧客に古い情報を回答する", "Customers are given out-of-date information"),
     2, 1,
     ("同期の遅延を監視し、遅延時は業務窓口に周知する",
      "Monitor the synchronisation delay and tell the business counters when it falls behind")),
    (("サービスの報告", "Service reporting"),
     ("ホームページやSNSへの障害情報の掲載が遅れる",
      "Failure notices on the website and social media are posted late"),
     ("顧客からの問い合わせが増える", "Customer inquiries increase"),
     1, 2,
     ("掲載文のひな形と掲載判断の基準を用意する",
      "Prepare notice templates and criteria for deciding when to post")),
    (("問題管理", "Problem management"),
     ("障害報告書の提出が遅れ、再発防止策の検討が遅れる",
      "The failure report is submitted late, which delays work on recurrence prevention"),
     ("類似障害の再発の可能性が残る", "Similar failures may recur meanwhile"),
     1, 1,
     ("障害報告書の提出期限を運用委託契約に定める",
      "Set a deadline for failure reports in the operation outsourcing contract")),
]


# ---------------------------------------------------------------------------
# 教訓 / lessons (G7 from the guide, 参考1.4; the others built from 図 参考1.3-1)
# ---------------------------------------------------------------------------

LESSON_HEADERS = {
    "ja": ["教訓ID", "教訓概要", "問題", "直接原因", "根本原因", "再発防止策", "未然防止策",
           "効果", "教訓", "活用する目的", "情報処理システムの重要度",
           "ソフトウェアライフサイクルプロセス", "運用・サービスプロセス", "キーワード"],
    "en": ["Lesson ID", "Title", "Problem", "Direct cause", "Root cause",
           "Recurrence prevention", "Preventive action", "Effect", "Lesson", "Purpose",
           "System importance", "Life-cycle process", "Service process", "Keywords"],
}

# Each lesson maps a field to a (ja, en) pair. List fields put one item per line.
LESSONS = [
    {
        "id": ("G7", "G7"),
        "title": ("クラウド事業者と利用者が連携した統制がとれたトラブル対応体制を整備すべし",
                  "Build a well-controlled trouble-response structure in which the cloud provider and its users work together"),
        "problem": (
            "A社はオンラインによる情報登録及び情報照会の基幹業務システムを当初はオンプレミスで運用していたが、運用コストの削減を目的に複数企業間の共同利用を進める方針となり、B社が提供するクラウドサービスに移行した。同時期に共同利用に移行するのは他にD社があり、類似のビジネスを行っていた。B社が提供するシステムは、業務システム用のサーバと負荷分散装置に分かれている。業務システムのサーバだけでなく、負荷分散装置も仮想化されており、その一つの論理区画をA社は利用していた。\n"
            "ある日、オンライン開始時からこのシステムに障害が発生してまる１日業務が停止した。基幹オンラインシステムが端末から起動できず、すべての窓口でデータベースの更新を伴う処理の受付けができなかった。\n"
            "なお、A社があらかじめ用意していたクラウド外の「障害時バックアップシステム」に切り替わり、データ照会処理はできたので、データの更新を伴わないサービスのみを実施した。\n"
            "B社は障害箇所の特定に時間を要し、またA社は各方面への説明対応に追われたこともあり、障害箇所が判明したのは１６：００であった。すでに業務終了時間が近づいていたためオンラインは終日停止、障害復旧作業はその後実施となった。",
            "Company A at first ran its core business system for online information registration and inquiry on premises, but it decided to share systems among several companies to cut operating costs and moved to a cloud service provided by Company B. Company D, which ran a similar business, moved to the shared service at the same time. Company B's system consists of servers for the business systems and a load balancer. Not only the business servers but also the load balancer are virtualised, and Company A used one of the logical partitions.\n"
            "One day the system failed from the start of online hours and business stopped for a whole day. The core online system could not be started from the terminals, and no counter could accept transactions that update the database.\n"
            "Service switched to the \"failure backup system\" that Company A had prepared outside the cloud, and data inquiries still worked, so only services that do not update data were provided.\n"
            "Company B took a long time to locate the failure, and Company A was kept busy explaining the situation to many parties, so the location of the failure was found only at 16:00. Business hours were nearly over by then, so the online service stayed down all day and the recovery work was done afterwards."),
        "direct_cause": (
            "直接の原因は、C社製負荷分散装置のsodプロセスのメモリ資源が時間とともに増加するという既知の不具合であった。\n"
            "単なる負荷分散装置の障害にも関わらず、その解決と業務の再開に多大の時間を要し丸一日間オンラインサービスが停止することとなった原因は、以下のとおりである。\n"
            "・通信路の疎通状況を確認するpingが通ったことから、B社はシステムの運用に問題ないと誤認した。\n"
            "・初めのうちはAPサーバや専用線の問題と誤認し調査を行っていた。B社の自社製品ではないC社製負荷分散装置の障害調査は後回しにした。\n"
            "・負荷分散装置はD社と共用しており、再起動等の対処によるD社サービスへの影響が不明のため、A社の了解のもと対処を業務終了後まで先送りすることとした。",
            "The direct cause was a known defect in Company C's load balancer: the memory used by the sod process grows over time.\n"
            "Although this was a simple load balancer failure, resolving it and resuming business took a very long time and the online service stopped for a whole day, for these reasons:\n"
            "- Because the ping that checks the communication path succeeded, Company B wrongly concluded that the system was operating without problems.\n"
            "- At first Company B wrongly suspected the application servers or the leased line and investigated them. It put off investigating the load balancer made by Company C, which is not Company B's own product.\n"
            "- The load balancer was shared with Company D and the effect of a restart or other action on Company D's service was unknown, so, with Company A's consent, the action was postponed until after business hours."),
        "root_cause": (
            "１．運用時のトラブル管理体制が決まっていなかった。障害調査を進め、一体となって協力して進めていく体制ができていなかった。B社のSEはA社に常駐していたが、トラブル管理体制が明確化されていないので、報告、連絡、相談がうまく回らなかった。\n"
            "２．A社はB社と役割分担やサービスレベルが不明確な運用委託契約のままサービスを開始していた。\n"
            "３．B社にC社製負荷分散装置の専門家が不在で、社外の製品のため障害情報の入手もしづらく、障害やパッチの情報をタイムリーに入手していなかった。",
            "1. No trouble-management structure for operation had been decided. There was no structure for investigating the failure and working on it together as one team. Company B's SE was stationed at Company A, but because the trouble-management structure was not defined, reporting, contacting and consulting did not work well.\n"
            "2. Company A had started the service under an operation outsourcing contract with Company B in which the division of roles and the service levels were unclear.\n"
            "3. Company B had no expert on Company C's load balancer, and because it was another company's product, failure information was hard to obtain, so information on failures and patches was not obtained in time."),
        "recurrence": (
            "１．トラブル対応の体制の強化　トラブル管理体制を明確化し障害発生時の報告、連絡、相談を行う。（考慮すべきこととして、ユーザは、対応をベンダ任せにせず積極的に働きかける。ベンダは、ユーザに対する状況報告を密に行う）トラブル発生時はユーザとベンダをTV会議で結び、ユーザとベンダが密接に協力して対応するなどを検討する。\n"
            "２．適切な契約でサービスのレベルの定義を行い、責任分界点を明確にする。\n"
            "３．ベンダは関係する各サードパーティ業者とトラブル対応体制を確立し、障害時の連携を適確に行う",
            "1. Strengthen the trouble-response structure. Define the trouble-management structure, and report, contact and consult when a failure occurs. (To consider: the user does not leave the response to the vendor but acts on its own initiative, and the vendor reports the status to the user closely.) Consider, for example, linking user and vendor by video conference when trouble occurs so that they respond in close cooperation.\n"
            "2. Define the service levels in an appropriate contract and make the demarcation of responsibility clear.\n"
            "3. The vendor establishes a trouble-response structure with each related third-party supplier and coordinates with them properly in a failure"),
        # The guide's G7 lists recurrence-prevention measures only.
        "preventive": ("", ""),
        "effect": ("クラウドサービスにおいても役割や責任が明確となり、障害発生時のエスカレーションや対応を迅速に行うことができる。",
                   "Roles and responsibilities become clear in cloud services too, so escalation and response can be quick when a failure occurs."),
        "lesson": ("ユーザはクラウド型システムの障害発生に備えて、クラウド事業者と連携した統制がとれたトラブル対応体制の整備が必要である。特にユーザはベンダに対して、役割分担や契約などのやるべきことをはっきりと要求し、厳しく緊張感を持って対応すべきである。これによりシステムの信頼性が向上するだけでなく、両者がお互いに成長することができる。",
                   "To prepare for failures of a cloud-based system, the user needs a well-controlled trouble-response structure set up together with the cloud provider. In particular, the user should clearly demand from the vendor what must be done, such as the division of roles and the contract terms, and deal with the vendor strictly and with a sense of tension. This not only improves the reliability of the system but also lets both parties grow."),
        "purpose": ("組織・体制の整備", "Organisation and structure"),
        "importance": ("企業基幹システム（多数の利用者に影響あり）",
                       "Enterprise core system (affects many users)"),
        "lifecycle": ("運用", "Operation"),
        "service": ("サービス提供", "Service delivery"),
        "keywords": ("仮想化\n共同利用\nトラブル管理\nパッチの適用\nシステム再起動",
                     "Virtualisation\nShared use\nTrouble management\nPatching\nSystem restart"),
    },
    {
        "id": ("G8", "G8"),
        "title": ("共同利用者間で障害情報を共有する連絡体制を確立せよ",
                  "Establish a contact arrangement for sharing failure information between co-users"),
        "problem": ("A社は基幹業務システムをB社のクラウドサービスに移行し、負荷分散装置をD社と共同利用していた。負荷分散装置の障害でA社のオンラインサービスが丸一日間停止したが、障害の状況はD社には全く伝えられていなかった。",
                    "Company A had moved its core business system to Company B's cloud service and shared the load balancer with Company D. A load balancer failure stopped Company A's online service for a whole day, but Company D was told nothing about the situation."),
        "direct_cause": (POSTPONED[0] + "。", POSTPONED[1] + "."),
        "root_cause": (NO_CONTACT_STRUCTURE[0] + "。", NO_CONTACT_STRUCTURE[1] + "."),
        "recurrence": ("共同利用者間の情報共有の強化を行う。",
                       "Strengthen information sharing between the co-users."),
        "preventive": ("共同利用者と事業者の連絡先、連絡手段、連絡する事象を一覧にして合意し、障害時の連絡訓練を定期的に行う。",
                       "Agree a list of contacts, contact channels and the events to report between the co-users and the provider, and rehearse failure-time contact regularly."),
        "effect": ("障害時に共同利用者への影響を速やかに確認でき、復旧作業の判断が早くなる。",
                   "The effect of a failure on the co-users can be checked quickly, so recovery decisions are made sooner."),
        "lesson": ("共同利用型のシステムでは、ある利用者への対処が他の利用者の業務に影響する。事業者と共同利用者は、障害時に情報を共有する連絡体制を平常時から確立しておく必要がある。",
                   "In a shared system, an action taken for one user affects the business of the other users. The provider and the co-users need a contact arrangement for sharing information in a failure, established in normal times."),
        "purpose": ("組織・体制の整備\n運用手順の整備", "Organisation and structure\nOperation procedures"),
        "importance": ("企業基幹システム", "Enterprise core system"),
        "lifecycle": ("運用", "Operation"),
        "service": ("関係プロセス", "Relationship processes"),
        "keywords": ("共同利用\n情報共有\n連絡体制\nクラウド",
                     "Shared use\nInformation sharing\nContact arrangement\nCloud"),
    },
    {
        "id": ("G9", "G9"),
        "title": ("業務部門と情シス部門が協力して障害時の事務処理マニュアルを作り、訓練すべし",
                  "Have the business and IT departments write a manual for office work during failures together, and train with it"),
        "problem": ("基幹業務システムが丸一日停止した際、業務窓口は登録系業務の処理の対応手順がわからなかったため顧客の登録・変更申請に対応できず、窓口に来た顧客に帰って頂く対応となった。",
                    "When the core business system stopped for a whole day, the business counter did not know the procedure for registration work, so it could not handle customers' registration and change requests, and customers who came to the counter had to be sent home."),
        "direct_cause": (NO_CUSTOMER_PLAN[0] + "。", NO_CUSTOMER_PLAN[1] + "."),
        "root_cause": (NO_JOINT_PLAN[0] + "。", NO_JOINT_PLAN[1] + "."),
        "recurrence": ("業務部門と情シス部門が協力してシステムの障害の規模に合わせた手作業による事務処理マニュアルの作成を行う。\nマニュアルに沿った訓練を定期的に実施する。",
                       "The business department and the IT department work together to write a manual for manual office processing matched to the scale of a system failure.\nHold training based on the manual regularly."),
        "preventive": ("システムが利用できない場合の業務継続を事業継続計画（BCP）に含め、システムや業務を変更するたびにマニュアルを見直す。",
                       "Include business continuity without the system in the business continuity plan (BCP), and review the manual whenever the system or the business changes."),
        "effect": ("システム障害時も窓口業務を手作業で継続でき、顧客への影響を小さくできる。",
                   "Counter work can continue by hand during a system failure, which limits the effect on customers."),
        "lesson": ("障害がほとんど起きないシステムほど、止まったときの業務の続け方が決められていない。業務部門と情シス部門は、システムが止まることを前提に障害時の事務処理を準備しておく必要がある。",
                   "The more rarely a system fails, the less likely it is that anyone has decided how to keep working when it stops. The business and IT departments need to prepare office procedures for failures on the assumption that the system will stop."),
        "purpose": ("運用手順の整備\n社内教育", "Operation procedures\nInternal training"),
        "importance": ("企業基幹システム", "Enterprise core system"),
        "lifecycle": ("運用", "Operation"),
        "service": ("サービス提供", "Service delivery"),
        "keywords": ("事業継続\n事務処理マニュアル\n訓練\nトラブル管理",
                     "Business continuity\nOffice procedure manual\nTraining\nTrouble management"),
    },
    {
        "id": ("T16", "T16"),
        "title": ("他社製品を含む構成機器の修正情報を短い周期で確認し、重大な不具合の修正を優先して適用すること",
                  "Check fix information for all components, including other vendors' products, at short intervals, and apply fixes for serious defects first"),
        "problem": ("クラウドサービスの負荷分散装置で既知の不具合によりメモリ不足エラーが発生し、A社のオンラインサービスが丸一日間停止した。不具合の修正プログラムは公開されていた。",
                    "A known defect caused an out-of-memory error in the cloud service's load balancer and stopped Company A's online service for a whole day. A fix for the defect had already been released."),
        "direct_cause": ("負荷分散装置のsodプロセスのメモリ資源が時間とともに増加する既知の不具合により、負荷分散装置に障害が発生した。障害対応のパッチは適用されていなかった。",
                         "A known defect, by which the memory used by the load balancer's sod process grows over time, caused the load balancer to fail. The patch for the defect had not been applied."),
        "root_cause": ("システム構成機器の修正情報の収集間隔を、３ヶ月に１回程度と非常に粗く設定していたため、負荷分散装置のパッチがでているのを知らなかった。",
                       "Fix information for the system's components was collected only about once every three months, a very coarse interval, so nobody knew that a patch for the load balancer had been released."),
        "recurrence": ("技術情報の確認サイクルを見直して３ヶ月に１回から２週間に１回に変更する。\n特に重大な不具合では、修正を反映させる手立てや修正の優先度付けを行う。",
                       "Review the cycle for checking technical information and change it from once every three months to once every two weeks.\nFor especially serious defects, arrange a way to apply the fix and set priorities for fixes."),
        "preventive": ("構成機器ごとに修正情報の入手元と確認の担当者を決めて構成管理の台帳に記録し、他社製品の修正情報も漏れなく入手する。",
                       "For each component, decide where fix information comes from and who checks it, record both in the configuration register, and so obtain fix information for other vendors' products as well."),
        "effect": ("既知の不具合による障害を、修正を事前に適用して防ぐことができる。",
                   "Failures caused by known defects can be prevented by applying the fixes in advance."),
        "lesson": ("既知の不具合による障害は、修正情報を適時に入手していれば防げる。自社製品だけでなく他社製品を含むすべての構成機器について、修正情報を確認する周期と担当を決めておくべきである。",
                   "A failure caused by a known defect can be prevented if the fix information is obtained in time. Every component, including other vendors' products, should have a set interval and an owner for checking fix information."),
        "purpose": ("運用手順の整備\n障害の根本原因の対策", "Operation procedures\nRoot-cause countermeasures"),
        "importance": ("企業基幹システム", "Enterprise core system"),
        "lifecycle": ("運用", "Operation"),
        "service": ("統合的制御プロセス", "Control processes"),
        "keywords": ("パッチの適用\n修正情報\n構成管理\n負荷分散装置",
                     "Patching\nFix information\nConfiguration management\nLoad balancer"),
    },
    {
        "id": ("T17", "T17"),
        "title": ("ネットワーク機器もサービスに影響のないタイミングで定期的に再起動する",
                  "Restart network equipment too, regularly, at times that do not affect the service"),
        "problem": ("本稼動以来8か月以上連続運転していた負荷分散装置で、メモリ資源が時間とともに増加する既知の不具合によりメモリ不足エラーが発生し、A社のオンラインサービスが丸一日間停止した。",
                    "A load balancer that had run continuously for more than eight months since going live hit an out-of-memory error caused by a known defect that makes memory use grow over time, and Company A's online service stopped for a whole day."),
        "direct_cause": ("負荷分散装置に障害が発生した。負荷分散装置を定期的に再起動をしていなかった。",
                         "A failure occurred in the load balancer. The load balancer was not restarted regularly."),
        "root_cause": (RESTART_UNKNOWN[0] + "。", RESTART_UNKNOWN[1] + "."),
        "recurrence": ("サービスに影響のないタイミングで定期的に再起動する。",
                       "Restart it regularly at times that do not affect the service."),
        "preventive": ("長期間連続運転する機器のメモリ使用量を監視し、増加が続く場合は計画的に再起動する。",
                       "Monitor memory use of equipment that runs continuously for long periods, and plan a restart when it keeps growing."),
        "effect": ("時間とともに資源を消費する不具合があっても、資源が枯渇する前に解放できる。",
                   "Even with a defect that consumes resources over time, the resources are released before they run out."),
        "lesson": ("ネットワーク機器は再起動しないのが一般的だが、ソフトウェアで動く以上、時間の経過とともに資源が枯渇する不具合を持ちうる。サービスに影響のないタイミングでの定期的な再起動を運用に組み込むべきである。",
                   "Network equipment is usually never restarted, but because it runs on software it can have defects that exhaust resources over time. Regular restarts at times that do not affect the service should be part of operation."),
        "purpose": ("運用手順の整備", "Operation procedures"),
        "importance": ("企業基幹システム", "Enterprise core system"),
        "lifecycle": ("運用", "Operation"),
        "service": ("サービス提供", "Service delivery"),
        "keywords": ("システム再起動\n連続運転\nメモリリーク\n負荷分散装置",
                     "System restart\nContinuous operation\nMemory leak\nLoad balancer"),
    },
]
LESSON_FIELDS = ["id", "title", "problem", "direct_cause", "root_cause", "recurrence",
                 "preventive", "effect", "lesson", "purpose", "importance", "lifecycle",
                 "service", "keywords"]


# ---------------------------------------------------------------------------
# 障害一覧 / incident list (invented; row 20 is the guide's case)
# ---------------------------------------------------------------------------

INCIDENT_HEADERS = {
    "ja": ["No.", "発生日時", "システム名", "障害の概要", "主な原因", "対外影響",
           "障害の影響額（円）", "対応工数（人月）"],
    "en": ["No.", "Date", "System", "Summary", "Cause", "Impact",
           "Cost (yen)", "Effort (person-months)"],
}

# Main causes, from METI's 情報システムの信頼性向上に関するガイドライン 第2版 (2009).
CAUSES = {
    "REQ": ("要件の誤り", "Requirements error"),
    "SW": ("ソフトウェアの誤り", "Software defect"),
    "PSW": ("調達ソフトウェアの不具合", "Defect in procured software"),
    "HW": ("ハードウェア故障・性能低下等", "Hardware failure or degradation"),
    "IF": ("製品間インターフェイスの誤り", "Interface mismatch between products"),
    "CAP": ("性能・容量等の不足", "Insufficient performance or capacity"),
    "MIG": ("移行時の誤り", "Migration error"),
    "OPS": ("運用方法・手順等の誤り", "Operation method or procedure error"),
    "RSP": ("情報システム障害発生時の対応の誤り・遅れ", "Wrong or late response to the failure"),
}

SYSTEMS = {
    "core": ("基幹業務システム", "Core business system"),
    "sales": ("販売管理システム", "Sales management system"),
    "payroll": ("人事給与システム", "HR and payroll system"),
    "acct": ("会計システム", "Accounting system"),
    "portal": ("社内ポータル", "Intranet portal"),
    "web": ("顧客向けWebサイト", "Customer website"),
    "wms": ("倉庫管理システム", "Warehouse management system"),
    "mail": ("メールシステム", "Mail system"),
    "net": ("ネットワーク", "Network"),
}

# (occurred at, system, summary, cause, external impact, cost in yen, effort in
# person-months). Cause counts: OPS 12, SW 7, HW 5, PSW 3, CAP 2, MIG 1, REQ 1,
# RSP 1, IF 0, so a Pareto chart has a clear head and a long tail.
INCIDENTS = [
    ("2023-04-10 07:45", "sales",
     ("夜間バッチのジョブ実行順序の設定誤りで、翌朝のオンライン開始が遅延", "A wrong job order in the nightly batch delayed the next morning's online start"),
     "OPS", ("朝９時のオンライン開始が30分遅延", "9 a.m. online start delayed by 30 minutes"), 0, 0.2),
    ("2023-05-08 10:20", "payroll",
     ("給与計算プログラムの端数処理の誤りで、一部社員の控除額が1円ずれた", "A rounding error in the payroll program put some employees' deductions off by 1 yen"),
     "SW", ("なし（社内のみ）", "None (internal only)"), 0, 0.8),
    ("2023-05-29 02:10", "core",
     ("データベースサーバのディスク障害でRAIDが縮退し、性能が低下", "A disk failure degraded the database server's RAID and slowed it down"),
     "HW", ("夜間バッチ処理が２時間遅延", "Nightly batch delayed by 2 hours"), 0, 0.3),
    ("2023-06-19 13:05", "portal",
     ("サーバ証明書の更新作業を忘れ、HTTPS接続ができなくなった", "The server certificate renewal was forgotten and HTTPS connections failed"),
     "OPS", ("社員がポータルに４時間接続できず", "Staff could not reach the portal for 4 hours"), 0, 0.1),
    ("2023-07-03 09:15", "acct",
     ("月次締め処理の手順書の記載漏れにより、仕訳データを二重計上", "A step missing from the month-end procedure posted journal entries twice"),
     "OPS", ("月次決算が１日遅延", "Monthly closing delayed by 1 day"), 0, 0.6),
    ("2023-07-24 11:30", "web",
     ("キャンペーン開始時にアクセスが集中し、応答が大幅に遅延", "A traffic spike at the start of a campaign slowed responses badly"),
     "CAP", ("顧客約2,000名が１時間利用しづらい状態", "About 2,000 customers had slow service for 1 hour"), 800000, 0.5),
    ("2023-08-21 08:40", "wms",
     ("ハンディ端末の更新プログラム配布で対象端末を誤り、出荷検品が停止", "An update was pushed to the wrong handheld terminals and shipment checks stopped"),
     "OPS", ("出荷が２時間遅延、取引先3社に連絡", "Shipments delayed by 2 hours; 3 business partners informed"), 350000, 0.4),
    ("2023-09-11 16:50", "sales",
     ("改修した単価計算処理の不具合で見積金額が誤って表示された", "A defect in the modified unit-price calculation showed wrong quotation amounts"),
     "SW", ("顧客への誤見積12件、訂正連絡", "12 wrong quotations sent to customers and corrected"), 120000, 1.2),
    ("2023-10-02 06:30", "net",
     ("本社L3スイッチの電源ユニット故障で一部フロアが通信不可", "A power supply failure in the head office L3 switch cut off some floors"),
     "HW", ("社内のみ、約1時間", "Internal only, about 1 hour"), 0, 0.2),
    ("2023-10-23 20:15", "core",
     ("定期保守作業で誤って本番環境のジョブを停止", "Scheduled maintenance stopped a production job by mistake"),
     "OPS", ("夜間の受付処理が１時間停止", "Evening order intake stopped for 1 hour"), 0, 0.3),
    ("2023-11-13 10:00", "payroll",
     ("年末調整機能の要件定義で扶養控除の改正内容が漏れていた", "The requirements for year-end tax adjustment missed the revised dependant deduction"),
     "REQ", ("なし（社内のみ）、再計算が必要", "None (internal only); recalculation needed"), 0, 2.0),
    ("2023-12-04 09:05", "mail",
     ("迷惑メールフィルタ製品の定義更新の不具合で正常なメールが隔離された", "A faulty definition update of the spam filter product quarantined legitimate mail"),
     "PSW", ("取引先からのメール約300通の受信が半日遅延", "About 300 mails from business partners delayed by half a day"), 0, 0.3),
    ("2023-12-25 18:40", "acct",
     ("年末の一括処理でバッチジョブを手順と異なる順序で再実行し、データ不整合", "Batch jobs rerun out of the documented order at year end left the data inconsistent"),
     "OPS", ("なし（社内のみ）", "None (internal only)"), 0, 0.7),
    ("2024-01-15 08:20", "web",
     ("ログイン処理の例外処理漏れで、エラーメッセージ\"TIMEOUT\"が多発", "Missing exception handling in login produced many \"TIMEOUT\" error messages"),
     "SW", ("顧客約500名がログインできず（２時間）", "About 500 customers could not log in (2 hours)"), 300000, 0.9),
    ("2024-02-05 07:00", "wms",
     ("サーバのメモリ故障で業務開始前にOSが停止", "A memory failure stopped the server's OS before business hours"),
     "HW", ("出荷開始が１時間遅延", "Shipping start delayed by 1 hour"), 150000, 0.2),
    ("2024-02-26 14:10", "sales",
     ("マスタ登録作業で取引先コードを誤入力し、請求書が別の取引先に送付された", "A wrong partner code entered in the master data sent invoices to another partner"),
     "OPS", ("取引先㈱B商事ほか2社に謝罪、請求書を再発行", "Apologies to B Shoji Co., Ltd. and 2 other partners; invoices reissued"), 50000, 0.3),
    ("2024-03-18 22:30", "core",
     ("新サーバへのデータ移行で文字コード変換の設定を誤り、一部の氏名が文字化け", "A wrong character-code conversion setting in the migration to the new server garbled some names"),
     "MIG", ("顧客約40名の通知書を再送付", "Notices resent to about 40 customers"), 200000, 1.5),
    ("2024-04-08 09:40", "acct",
     ("新年度の勘定科目追加で、帳票出力プログラムの桁あふれ不具合が判明", "Adding accounts for the new fiscal year exposed an overflow defect in the report program"),
     "SW", ("なし（社内のみ）", "None (internal only)"), 0, 0.6),
    ("2024-05-13 03:20", "net",
     ("拠点間VPN装置のファームウェア更新手順を誤り、支店の通信が停止", "A mistake in the VPN device firmware update procedure cut off the branches"),
     "OPS", ("支店３か所の窓口業務が朝１時間停止", "Counters at 3 branches stopped for 1 hour in the morning"), 100000, 0.4),
    ("2024-06-11 04:00", "core",
     ("クラウドサービスの負荷分散装置でメモリ不足エラーが発生し、オンラインサービスが丸一日停止", "An out-of-memory error in the cloud service's load balancer stopped the online service for a whole day"),
     "PSW", ("全窓口で登録・変更申請を受付できず、照会のみ実施", "No counter could accept registrations or changes; inquiries only"), 12000000, 3.5),
    ("2024-06-24 10:50", "portal",
     ("ファイル共有の容量上限に達し、ファイルを保存できなくなった", "The file share reached its quota and files could not be saved"),
     "CAP", ("社内のみ、半日", "Internal only, half a day"), 0, 0.2),
    ("2024-07-16 09:00", "payroll",
     ("パッケージ製品の修正プログラムを適用後、勤怠データの取込みが失敗", "After a fix for the packaged product was applied, attendance data import failed"),
     "PSW", ("なし（社内のみ）、給与計算を１日延期", "None (internal only); payroll run postponed by 1 day"), 0, 0.8),
    ("2024-08-05 17:30", "web",
     ("問い合わせフォームの入力チェックの不具合で、一部の問い合わせが登録されなかった", "An input check defect in the inquiry form dropped some inquiries"),
     "SW", ("問い合わせ約30件を取りこぼし、電話で連絡", "About 30 inquiries lost; customers called back"), 100000, 0.7),
    ("2024-08-26 08:10", "core",
     ("障害時バックアップシステムへの切替え手順を誤り、照会サービスの再開が遅れた", "A mistake in switching to the failure backup system delayed the restart of the inquiry service"),
     "RSP", ("窓口での照会業務が２時間停止", "Inquiries at the counters stopped for 2 hours"), 400000, 0.5),
    ("2024-09-17 01:40", "wms",
     ("夜間バッチ①の再実行時にパラメータを誤指定し、在庫数が二重に減算された", "A wrong parameter when rerunning nightly batch No. 1 subtracted stock twice"),
     "OPS", ("出荷指示の誤り5件、取引先に連絡", "5 wrong shipping instructions; partners informed"), 250000, 0.6),
    ("2024-10-07 12:20", "mail",
     ("送信サーバの設定変更で手順書と異なる設定値を入力し、社外宛てメールが送信不可", "A setting different from the procedure was entered on the mail server, and external mail could not be sent"),
     "OPS", ("社外宛てメールが３時間送信できず", "External mail could not be sent for 3 hours"), 0, 0.2),
    ("2024-10-28 06:50", "net",
     ("データセンターの空調故障でサーバ室の温度が上昇し、一部サーバが自動停止", "An air-conditioning failure at the data centre overheated the server room and some servers shut down"),
     "HW", ("顧客向けWebサイトが40分停止", "Customer website down for 40 minutes"), 500000, 0.6),
    ("2024-11-18 11:15", "sales",
     ("消費税の端数計算処理の不具合で請求金額が1円ずれた", "A defect in consumption tax rounding put invoice amounts off by 1 yen"),
     "SW", ("請求書約150件を訂正、顧客に通知", "About 150 invoices corrected; customers notified"), 450000, 1.8),
    ("2024-12-09 19:00", "core",
     ("リリース作業でプログラムの版数を取り違え、旧版を本番環境に配置", "The release mixed up program versions and put the old version into production"),
     "OPS", ("翌朝のオンライン開始が１時間遅延", "Next morning's online start delayed by 1 hour"), 200000, 0.4),
    ("2025-01-20 08:30", "acct",
     ("サーバの電源ユニットとUPSのバッテリーが同時に劣化し、サーバが停止", "The server's power supply and the UPS battery degraded at the same time and the server stopped"),
     "HW", ("なし（社内のみ）", "None (internal only)"), 0, 0.3),
    ("2025-02-10 15:45", "web",
     ("画像変換処理のメモリリークで、アプリケーションサーバが定期的に応答停止", "A memory leak in image conversion made the application server stop responding periodically"),
     "SW", ("顧客が断続的に30分利用不可", "Customers intermittently unable to use the site for 30 minutes"), 150000, 1.0),
    ("2025-03-03 09:10", "payroll",
     ("権限設定作業の手順を誤り、一般社員が他部署の人事情報を閲覧可能な状態になった", "A mistake in setting permissions let ordinary staff view other departments' HR records"),
     "OPS", ("社外影響なし、閲覧記録を調査", "No external effect; access logs investigated"), 0, 0.9),
]


# ---------------------------------------------------------------------------
# Workbook styling and writing
# ---------------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
HIGHLIGHT_FILL = PatternFill("solid", fgColor="FFFF00")
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
WRAP_CENTER = Alignment(wrap_text=True, horizontal="center", vertical="center")


def style_header(cell):
    cell.font = HEADER_FONT
    cell.fill = HEADER_FILL
    cell.border = BORDER
    cell.alignment = WRAP_CENTER


def style_body(cell):
    cell.border = BORDER
    cell.alignment = WRAP_TOP


def set_widths(ws, widths):
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def write_header_row(ws, row, headers):
    for col, text in enumerate(headers, start=1):
        style_header(ws.cell(row=row, column=col, value=text))


def localise(pair, lang):
    """Return the Japanese or English member of a (ja, en) pair."""
    return pair[0] if lang == "ja" else pair[1]


def add_status_sheet(wb, lang, name):
    """Add the incident status table: title, two header rows, then time blocks."""
    ws = wb.create_sheet(name)
    ws.cell(row=1, column=1, value=STATUS_TITLE[lang]).font = TITLE_FONT

    ws.cell(row=2, column=1, value=STATUS_TIME_HEADER[lang])
    ws.merge_cells(start_row=2, start_column=1, end_row=3, end_column=1)
    columns = STATUS_COLUMNS[lang]
    for col, (key, company, department) in enumerate(columns, start=2):
        if company is not None:
            ws.cell(row=2, column=col, value=company)
        if department is not None:
            ws.cell(row=3, column=col, value=department)
        elif company is not None:
            ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    # A社 spans its two departments.
    ws.merge_cells(start_row=2, start_column=3, end_row=2, end_column=4)
    for row in (2, 3):
        for col in range(1, len(columns) + 2):
            style_header(ws.cell(row=row, column=col))

    row = 4
    for time_label, events in STATUS_BLOCKS:
        first = row
        ws.cell(row=first, column=1, value=localise(time_label, lang))
        for event_row in events:
            for col, (key, _, _) in enumerate(columns, start=2):
                cell = ws.cell(row=row, column=col)
                if key in event_row:
                    cell.value = localise(event_row[key], lang)
                style_body(cell)
            style_body(ws.cell(row=row, column=1))
            row += 1
        if row - 1 > first:
            ws.merge_cells(start_row=first, start_column=1, end_row=row - 1, end_column=1)

    set_widths(ws, [12] + [30] * len(columns))
    ws.freeze_panes = "B4"


def why_row_depth(rows):
    """Return, per row, the index of its deepest cause cell (0 = problem).

    A row without cause cells continues the previous branch and inherits its depth.
    """
    depths = []
    for row in rows:
        filled = [i for i, cell in enumerate(row[:6]) if cell is not None]
        depths.append(filled[-1] if filled else depths[-1])
    return depths


def add_why_sheet(wb, lang, name):
    """Add the why-why analysis, merging cells that repeat the row above."""
    ws = wb.create_sheet(name)
    write_header_row(ws, 1, WHY_HEADERS[lang])
    depths = why_row_depth(WHY_ROWS)
    first_data_row = 2

    for offset, row in enumerate(WHY_ROWS):
        excel_row = first_data_row + offset
        *causes, countermeasure, g7_related = row
        for col, cause in enumerate(causes, start=1):
            cell = ws.cell(row=excel_row, column=col)
            if cause is not None:
                cell.value = localise(cause, lang)
            style_body(cell)
        cell = ws.cell(row=excel_row, column=7, value=localise(countermeasure, lang))
        style_body(cell)
        if g7_related:
            # The guide shades the items behind its example lesson G7 yellow.
            cell.fill = HIGHLIGHT_FILL

    # Merge each cause cell down over the rows that repeat it.
    for col in range(6):
        start = 0
        while start < len(WHY_ROWS):
            end = start
            while (end + 1 < len(WHY_ROWS)
                   and WHY_ROWS[end + 1][col] is None
                   and col <= depths[end + 1]):
                end += 1
            if end > start and WHY_ROWS[start][col] is not None:
                ws.merge_cells(start_row=first_data_row + start, start_column=col + 1,
                               end_row=first_data_row + end, end_column=col + 1)
            start = end + 1

    # The root causes behind G7 are shaded like their countermeasures.
    for offset, row in enumerate(WHY_ROWS):
        if row[7] and row[depths[offset]] is not None:
            ws.cell(row=first_data_row + offset, column=depths[offset] + 1).fill = HIGHLIGHT_FILL

    set_widths(ws, [20, 22, 24, 24, 24, 22, 40])
    ws.freeze_panes = "A2"


def add_risk_sheet(wb, lang, name, rows=None):
    """Add a risk register: title row, header row, one row per risk.

    Without rows, the sheet gets RISK_ROWS with C = A x B. A caller may pass rows
    of (category, risk, effect, A, B, C, decision, response) to write any values.
    """
    ws = wb.create_sheet(name)
    ws.cell(row=1, column=1, value=RISK_TITLE[lang]).font = TITLE_FONT
    write_header_row(ws, 2, RISK_HEADERS[lang])
    if rows is None:
        rows = []
        for category, risk, effect, impact, likelihood, response in RISK_ROWS:
            score = impact * likelihood
            decision = localise(RISK_DECISION[score >= RISK_THRESHOLD], lang)
            rows.append((localise(category, lang), localise(risk, lang), localise(effect, lang),
                         impact, likelihood, score, decision, localise(response, lang)))

    for number, values in enumerate(rows, start=1):
        excel_row = 2 + number
        for col, value in enumerate((number,) + tuple(values), start=1):
            cell = ws.cell(row=excel_row, column=col, value=value)
            style_body(cell)
            if 5 <= col <= 8:
                cell.alignment = WRAP_CENTER

    set_widths(ws, [6, 16, 36, 28, 12, 12, 12, 14, 44])
    ws.freeze_panes = "A3"


def add_lesson_sheet(wb, lang, name):
    ws = wb.create_sheet(name)
    write_header_row(ws, 1, LESSON_HEADERS[lang])
    for offset, lesson in enumerate(LESSONS):
        for col, field in enumerate(LESSON_FIELDS, start=1):
            value = localise(lesson[field], lang)
            cell = ws.cell(row=2 + offset, column=col, value=value if value else None)
            style_body(cell)
    set_widths(ws, [8, 30, 50, 40, 40, 40, 36, 30, 40, 18, 20, 14, 14, 16])
    ws.freeze_panes = "C2"


def incident_datetime(stamp):
    return datetime.datetime.strptime(stamp, "%Y-%m-%d %H:%M")


def add_incident_sheet(wb, lang, name):
    ws = wb.create_sheet(name)
    write_header_row(ws, 1, INCIDENT_HEADERS[lang])
    for number, (stamp, system, summary, cause, impact, cost, effort) in enumerate(INCIDENTS, start=1):
        values = (number, incident_datetime(stamp), localise(SYSTEMS[system], lang),
                  localise(summary, lang), localise(CAUSES[cause], lang), localise(impact, lang),
                  cost, effort)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=1 + number, column=col, value=value)
            style_body(cell)
        ws.cell(row=1 + number, column=2).number_format = "yyyy/m/d h:mm"
        ws.cell(row=1 + number, column=7).number_format = "#,##0"
        ws.cell(row=1 + number, column=8).number_format = "0.0"
    set_widths(ws, [5, 16, 20, 50, 30, 36, 14, 12])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:H{1 + len(INCIDENTS)}"


SHEET_NAMES = {
    "ja": ["障害状況表", "なぜなぜ分析", "リスク管理表", "教訓", "障害一覧"],
    "en": ["Incident status", "Why-why analysis", "Risk register", "Lessons", "Incidents"],
}


def new_workbook(title):
    """Create an empty workbook with fixed document properties."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = "kyokun samples"
    wb.properties.lastModifiedBy = "kyokun samples"
    wb.properties.title = title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def build_guide_case(lang):
    title = {"ja": "教訓の作り方 参考1 サンプル", "en": "How to make lessons, case 1, sample"}[lang]
    wb = new_workbook(title)
    status, why, risk, lessons, incidents = SHEET_NAMES[lang]
    add_status_sheet(wb, lang, status)
    add_why_sheet(wb, lang, why)
    add_risk_sheet(wb, lang, risk)
    add_lesson_sheet(wb, lang, lessons)
    add_incident_sheet(wb, lang, incidents)
    return wb


# ---------------------------------------------------------------------------
# Deterministic output
# ---------------------------------------------------------------------------

def normalise_zip(data):
    """Rewrite an xlsx archive with fixed entry timestamps and attributes.

    openpyxl stamps each zip entry with the current time. dcterms:modified is
    reset as well, in case an openpyxl version sets it at save time.
    """
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                                 rb"\g<1>" + stamp.encode() + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, content)
    return out.getvalue()


def save_workbook(wb, path):
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(normalise_zip(buffer.getvalue()))


# ---------------------------------------------------------------------------
# CSV and bad inputs
# ---------------------------------------------------------------------------

def excel_date_text(moment):
    """Format a datetime as Excel on Japanese Windows shows "yyyy/m/d h:mm"."""
    return f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}"


def incident_csv_bytes():
    """Return the incident list as Excel saves "CSV (コンマ区切り)": CP932, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(INCIDENT_HEADERS["ja"])
    for number, (stamp, system, summary, cause, impact, cost, effort) in enumerate(INCIDENTS, start=1):
        writer.writerow([number, excel_date_text(incident_datetime(stamp)), SYSTEMS[system][0],
                         summary[0], CAUSES[cause][0], impact[0], cost, f"{effort:.1f}"])
    # encode() is strict, so a character outside CP932 raises here.
    return out.getvalue().encode("cp932")


def write_bad_samples(guide_case_ja_bytes):
    bad_dir = SAMPLES_DIR / "bad"
    bad_dir.mkdir(exist_ok=True)

    # A risk register with an impact word instead of 1-3, a likelihood of 5,
    # and a typed C that disagrees with A x B (2 x 3 is 6, not 5).
    wb = new_workbook("リスク管理表（不正な値）")
    add_risk_sheet(wb, "ja", "リスク管理表", rows=[
        ("供給者管理", "修正情報を適時に入手できない", "既知の不具合で停止する", 3, 2, 6, "対応要",
         "確認サイクルを２週間に１回にする"),
        ("サービスレベル管理", "停止・再起動の条件が決まっていない", "復旧が遅れる", "高い", 2, 6, "対応要",
         "SLAで条件を定義する"),
        ("容量・能力管理", "メモリ資源が枯渇する", "全サービスが停止する", 2, 5, 10, "対応要",
         "定期的に再起動する"),
        ("事業関係管理", "共同利用者に障害が伝わらない", "信頼を失う", 2, 3, 5, "対応要",
         "連絡体制を確立する"),
        ("問題管理", "障害報告書の提出が遅れる", "再発防止策が遅れる", 1, 1, 1, "対応不要",
         "提出期限を契約に定める"),
    ])
    save_workbook(wb, bad_dir / "risk-bad-values.xlsx")

    # Text in cells, but no row that names any known field.
    wb = new_workbook("メモ")
    ws = wb.create_sheet("メモ")
    for row, line in enumerate([
        "定例会メモ",
        "来週までに負荷分散装置の保守窓口へ問い合わせる",
        "次回は月末に開催",
        "",
        "出席：情シス部門3名、B社2名",
    ], start=1):
        if line:
            ws.cell(row=row, column=1, value=line)
    ws.cell(row=2, column=3, value=42)
    save_workbook(wb, bad_dir / "no-header.xlsx")

    (bad_dir / "not-really.xlsx").write_bytes(
        "これはExcelファイルではなく、拡張子だけが.xlsxのテキストファイルです。\r\n"
        "This is a text file with an .xlsx name, not a workbook.\r\n".encode("utf-8"))

    (bad_dir / "truncated.xlsx").write_bytes(guide_case_ja_bytes[:2000])

    # UTF-8, CRLF. Record 3 (line 3, the second data row) opens a quote in the
    # summary field and never closes it, so a strict parser reads to the end of
    # the file looking for the closing quote.
    lines = [
        "No.,発生日時,システム名,障害の概要,主な原因,対外影響,障害の影響額（円）,対応工数（人月）",
        "1,2023/4/10 7:45,販売管理システム,夜間バッチのジョブ実行順序の設定誤り,運用方法・手順等の誤り,朝９時のオンライン開始が30分遅延,0,0.2",
        "2,2023/5/8 10:20,人事給与システム,\"給与計算プログラムの端数処理の誤り,ソフトウェアの誤り,なし（社内のみ）,0,0.8",
        "3,2023/5/29 2:10,基幹業務システム,データベースサーバのディスク障害,ハードウェア故障・性能低下等,夜間バッチ処理が２時間遅延,0,0.3",
        "4,2023/6/19 13:05,社内ポータル,サーバ証明書の更新忘れ,運用方法・手順等の誤り,社員がポータルに４時間接続できず,0,0.1",
    ]
    (bad_dir / "broken-quote.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))


def write_anonymize_samples():
    """Write the inputs of the anonymisation walk-through of docs/guide.ja.md:
    an incident list that names companies and people and contains an e-mail
    address, phone numbers and an IP address, and the names list for it.
    Every name, address and number is made up."""
    folder = SAMPLES_DIR / "anonymize"
    folder.mkdir(exist_ok=True)
    incidents = [
        ["発生日時", "システム名", "障害の概要", "主な原因", "対外影響", "障害の影響額（円）",
         "対応工数（人月）", "連絡先"],
        ["2024/4/8 9:15", "受発注システム",
         "アクメ電機製の負荷分散装置が停止し、田中さんが再起動した",
         "ハードウェア故障・性能低下等", "受注受付が２時間停止", "1200000", "0.3",
         "tanaka@example.co.jp"],
        ["2024/5/20 14:40", "受発注システム",
         "ガンマ商事の佐藤様から、注文が反映されないと問い合わせがあった",
         "ソフトウェアの誤り", "注文１２件の反映が遅延", "0", "0.5", "03-1234-5678"],
        ["2024/6/3 2:05", "基幹システム",
         "夜間バッチがサーバ 192.168.10.25 のディスク容量不足で異常終了した",
         "運用方法・手順等の誤り", "なし（社内のみ）", "0", "0.2", "090-1234-5678"],
    ]
    names = [["name", "kind", "placeholder"], ["アクメ電機", "company", ""],
             ["ガンマ商事", "company", ""]]
    for file_name, rows in (("incidents-with-names.csv", incidents), ("names.csv", names)):
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        (folder / file_name).write_bytes(out.getvalue().encode("utf-8"))


def main():
    outputs = {}
    for lang in ("ja", "en"):
        path = SAMPLES_DIR / f"guide-case.{lang}.xlsx"
        save_workbook(build_guide_case(lang), path)
        outputs[lang] = path.read_bytes()
    (SAMPLES_DIR / "incidents.cp932.csv").write_bytes(incident_csv_bytes())
    write_bad_samples(outputs["ja"])
    write_anonymize_samples()


if __name__ == "__main__":
    main()
