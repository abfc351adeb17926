from django.urls import path

from coffeechat.conversations.views import live, meetings, practice, prep, questions, research

urlpatterns = [
    # Meetings (pages in views/meetings.py)
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("contacts/<str:contact_id>/meetings/new/", meetings.meeting_create, name="meeting_create"),
    path("meetings/<str:meeting_id>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<str:meeting_id>/status/", meetings.meeting_status, name="meeting_status"),
    # Research (views/research.py)
    path("contacts/<str:contact_id>/research/", research.research_edit, name="research_edit"),
    path("contacts/<str:contact_id>/research/links/", research.link_add, name="research_link_add"),
    path("research/links/<str:link_id>/delete/", research.link_delete, name="research_link_delete"),
    # Question bank (views/questions.py)
    path("questions/", questions.question_list, name="question_list"),
    path("questions/<str:question_id>/", questions.question_edit, name="question_edit"),
    path("questions/<str:question_id>/hide/", questions.question_hide, name="question_hide"),
    path("questions/<str:question_id>/delete/", questions.question_delete, name="question_delete"),
    # Plan and prep sheet (views/prep.py)
    path("meetings/<str:meeting_id>/plan/", prep.meeting_plan, name="meeting_plan"),
    path("plan/<str:item_id>/move/", prep.plan_move, name="plan_move"),
    path("plan/<str:item_id>/remove/", prep.plan_remove, name="plan_remove"),
    path("meetings/<str:meeting_id>/prep/", prep.prep_sheet, name="prep_sheet"),
    path("meetings/<str:meeting_id>/prep.md", prep.prep_download, name="prep_download"),
    # Live mode and summary (views/live.py)
    path("meetings/<str:meeting_id>/live/", live.live, name="live"),
    path("meetings/<str:meeting_id>/live/start/", live.live_start, name="live_start"),
    path("meetings/<str:meeting_id>/live/questions/", live.follow_up_add, name="follow_up_add"),
    path("plan/<str:item_id>/", live.plan_item, name="plan_item"),
    path("meetings/<str:meeting_id>/notes/", live.note_add, name="note_add"),
    path("notes/<str:note_id>/", live.note_edit, name="note_edit"),
    path("notes/<str:note_id>/delete/", live.note_delete, name="note_delete"),
    path("meetings/<str:meeting_id>/referrals/", live.referral_add, name="referral_add"),
    path("meetings/<str:meeting_id>/finish/", live.finish, name="live_finish"),
    path("meetings/<str:meeting_id>/summary/", live.summary, name="summary"),
    # Solo practice (views/practice.py)
    path("practice/", practice.practice, name="practice"),
]
